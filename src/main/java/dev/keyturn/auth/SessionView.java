package dev.keyturn.auth;

import java.time.Instant;
import java.util.UUID;

import dev.keyturn.session.UserSession;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A session as its owner sees it in GET /users/me/sessions. */
@RegisterForReflection
public record SessionView(UUID id, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String userAgent,
        String ip, boolean current) {

    static SessionView of(UserSession session, UUID currentSessionId) {
        return new SessionView(session.id, session.createdAt, session.lastUsedAt, session.expiresAt, session.userAgent,
                session.ip, session.id.equals(currentSessionId));
    }
}
