package dev.keyturn.account;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The admin check against the caller's stored account, not only the token's {@code roles} claim (docs/api.md: a
 * demoted admin is refused at once, though his access token still says admin until it expires). One read of the
 * account row per admin request, never cached: admin routes are not hot, and a demotion must count at once.
 */
@ApplicationScoped
public class StoredRoles {

    /** Fails with 403 {@code forbidden} unless the account exists, is enabled, and has the admin role now. */
    public Uni<Void> requireAdmin(UUID callerId) {
        return Panache.withSession(() -> User.<User> findById(callerId)).map(user -> {
            if (user == null || user.disabled || !user.isAdmin()) {
                throw new ProblemException(ErrorCode.FORBIDDEN, "This needs the admin role.");
            }
            return null;
        }).replaceWithVoid();
    }
}
