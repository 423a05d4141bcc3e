package dev.keyturn.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;

/**
 * Writes audit events inside the caller's transaction, so an event exists exactly when what it records
 * happened. Callers pass only identifiers and harmless facts: never a password, token or code.
 */
@ApplicationScoped
public class AuditLog {

    public Uni<Void> record(AuditType type, UUID userId, UUID sessionId, ClientInfo client, Map<String, Object> detail) {
        AuditEvent event = new AuditEvent();
        event.id = UUID.randomUUID();
        event.occurredAt = Instant.now();
        event.type = type.storedName();
        event.userId = userId;
        event.sessionId = sessionId;
        event.ip = client == null ? null : client.ip();
        event.userAgent = client == null ? null : client.userAgent();
        event.detail = detail == null || detail.isEmpty() ? null : detail;
        return event.persist().replaceWithVoid();
    }

    public Uni<Void> record(AuditType type, UUID userId, UUID sessionId, ClientInfo client) {
        return record(type, userId, sessionId, client, null);
    }
}
