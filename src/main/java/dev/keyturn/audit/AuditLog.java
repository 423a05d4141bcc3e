package dev.keyturn.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

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

    /**
     * The same event, for work done on the reactive client's connection directly (a bulk import's batched inserts):
     * written on {@code connection}, inside the transaction open there. No {@link AuditListener} hears it: it is no
     * webhook event (an import is reported by its answer, not by a message per user).
     */
    public Uni<Void> record(SqlConnection connection, AuditType type, UUID userId, ClientInfo client,
            Map<String, Object> detail) {
        return connection.preparedQuery(INSERT).execute(Tuple.tuple(List.of(UUID.randomUUID(),
                Instant.now().atOffset(ZoneOffset.UTC), type.storedName())).addValue(userId)
                .addValue(client == null ? null : client.ip()).addValue(client == null ? null : client.userAgent())
                .addValue(detail == null || detail.isEmpty() ? null : new JsonObject(detail)))
                .replaceWithVoid();
    }

    private static final String INSERT = "INSERT INTO audit_events (id, occurred_at, type, user_id, ip, user_agent, detail)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7)";
}
