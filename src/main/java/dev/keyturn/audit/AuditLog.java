package dev.keyturn.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;

/**
 * Writes audit events inside the caller's transaction, so an event exists exactly when what it records
 * happened. Callers pass only identifiers and harmless facts: never a password, token or code. Each
 * {@link AuditListener} then does its part in the same transaction (the webhook outbox).
 */
@ApplicationScoped
public class AuditLog {

    private final List<AuditListener> listeners;

    public AuditLog(@Any Instance<AuditListener> listeners) {
        this.listeners = listeners.stream().toList();
    }

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
        Uni<Void> recorded = event.persist().replaceWithVoid();
        for (AuditListener listener : listeners) {
            recorded = recorded.chain(() -> listener.recorded(event));
        }
        return recorded;
    }

    public Uni<Void> record(AuditType type, UUID userId, UUID sessionId, ClientInfo client) {
        return record(type, userId, sessionId, client, null);
    }
}
