package dev.keyturn.admin;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.keyturn.audit.AuditEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record AuditEventView(UUID id, Instant occurredAt, String type, UUID userId, UUID sessionId, String ip,
        String userAgent, Map<String, Object> detail) {

    static AuditEventView of(AuditEvent event) {
        return new AuditEventView(event.id, event.occurredAt, event.type, event.userId, event.sessionId, event.ip,
                event.userAgent, event.detail);
    }
}
