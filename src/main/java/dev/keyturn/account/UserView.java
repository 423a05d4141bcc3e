package dev.keyturn.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The user object of docs/api.md: never a hash, code or token. */
@RegisterForReflection
public record UserView(UUID id, String username, String email, boolean emailVerified, List<String> roles,
        Instant createdAt) {

    public static UserView of(User user) {
        return new UserView(user.id, user.username, user.email, user.emailVerified, List.copyOf(user.roles),
                user.createdAt);
    }
}
