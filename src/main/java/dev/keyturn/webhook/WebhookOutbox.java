package dev.keyturn.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.audit.AuditEvent;
import dev.keyturn.audit.AuditListener;
import dev.keyturn.audit.AuditType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Writes the outbox: for an audit event that is a webhook event ({@link WebhookEvents#forAuditType}), one message per
 * enabled endpoint subscribed to it, in ONE statement inside the transaction that recorded the event. So a message
 * exists exactly when the change it reports committed, and none is lost if the replica dies right after the commit:
 * {@link WebhookDispatcher} delivers it from the table. The same statement wakes the dispatchers of every replica
 * (NOTIFY, delivered by PostgreSQL at commit only). An audit event that is no webhook event costs no statement: logins
 * and refreshes pay nothing.
 * <p>
 * {@code login.failed_burst}: the {@code failed-login-burst}-th failed login of one account within
 * {@code failed-login-window} (a fixed window from the window's first failure) emits one event, and the next only
 * after the window ended. Each failure of an existing account is counted by one atomic upsert in the failed login's
 * own statement, and only while an enabled endpoint subscribes to the event.
 */
@Startup // its settings are checked at start, not at the first event
@ApplicationScoped
public class WebhookOutbox implements AuditListener {

    static final String WAKE_CHANNEL = "keyturn_webhooks";

    /** Messages for an event ($type also matches its family's wildcard and *); NOTIFY once when there were any. */
    private static final String QUEUE = """
            WITH queued AS (
                INSERT INTO webhook_messages (id, endpoint_id, event_id, event_type, payload, created_at, next_attempt_at)
                SELECT gen_random_uuid(), e.id, :event, :type, :payload, now(), now()
                  FROM webhook_endpoints e
                 WHERE e.enabled AND e.events && ARRAY[CAST(:type AS text), CAST(:family AS text), '*']
                RETURNING 1
            )
            SELECT count(*) FROM (SELECT pg_notify(:channel, '') FROM queued LIMIT 1) AS woken""";

    /**
     * A failed login of an existing account: counted only while an endpoint subscribes to login.failed_burst, in the
     * account's window (a new one when the last has ended); the count that reaches the burst queues the event.
     */
    private static final String COUNT_FAILED_LOGIN = """
            WITH subscribed AS (
                SELECT e.id FROM webhook_endpoints e
                 WHERE e.enabled AND e.events && ARRAY[CAST(:type AS text), '*']
            ), counted AS (
                INSERT INTO webhook_login_failures AS f (user_id, window_start, failures)
                SELECT :user, now(), 1 WHERE EXISTS (SELECT 1 FROM subscribed)
                ON CONFLICT (user_id) DO UPDATE SET
                    window_start = CASE WHEN f.window_start + :window * interval '1 second' <= now()
                                        THEN now() ELSE f.window_start END,
                    failures     = CASE WHEN f.window_start + :window * interval '1 second' <= now()
                                        THEN 1 ELSE f.failures + 1 END
                RETURNING f.failures
            ), queued AS (
                INSERT INTO webhook_messages (id, endpoint_id, event_id, event_type, payload, created_at, next_attempt_at)
                SELECT gen_random_uuid(), s.id, :event, :type, :payload, now(), now()
                  FROM subscribed s, counted c
                 WHERE c.failures = :burst
                RETURNING 1
            )
            SELECT count(*) FROM (SELECT pg_notify(:channel, '') FROM queued LIMIT 1) AS woken""";

    private static final String LOGIN_FAILED = AuditType.LOGIN_FAILED.storedName();

    private final ObjectMapper json;
    private final int failedLoginBurst;
    private final long failedLoginWindowSeconds;

    public WebhookOutbox(ObjectMapper json, WebhookConfig config) {
        this.json = json;
        this.failedLoginBurst = config.failedLoginBurst();
        this.failedLoginWindowSeconds = config.failedLoginWindow().toSeconds();
        if (failedLoginBurst < 0 || failedLoginWindowSeconds < 1) {
            throw new IllegalArgumentException("KEYTURN_WEBHOOK_FAILED_LOGIN_BURST must be 0 (off) or more, and"
                    + " KEYTURN_WEBHOOK_FAILED_LOGIN_WINDOW at least a second");
        }
    }

    @Override
    public Uni<Void> recorded(AuditEvent event) {
        if (event.type.equals(LOGIN_FAILED)) {
            return event.userId == null || failedLoginBurst == 0 ? Uni.createFrom().voidItem() : countFailedLogin(event);
        }
        String type = WebhookEvents.forAuditType(event.type);
        if (type == null) {
            return Uni.createFrom().voidItem();
        }
        String payload = payload(type, event, WebhookEvents.data(event.type, event.userId, event.sessionId, event.detail));
        return Panache.getSession().chain(session -> session.createNativeQuery(QUEUE, Long.class)
                .setParameter("event", event.id)
                .setParameter("type", type)
                .setParameter("family", WebhookEvents.family(type))
                .setParameter("payload", payload)
                .setParameter("channel", WAKE_CHANNEL)
                .getSingleResult())
                .replaceWithVoid();
    }

    private Uni<Void> countFailedLogin(AuditEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", event.userId);
        data.put("failures", failedLoginBurst);
        data.put("window_seconds", failedLoginWindowSeconds);
        String payload = payload(WebhookEvents.LOGIN_FAILED_BURST, event, data);
        return Panache.getSession().chain(session -> session.createNativeQuery(COUNT_FAILED_LOGIN, Long.class)
                .setParameter("type", WebhookEvents.LOGIN_FAILED_BURST)
                .setParameter("user", event.userId)
                .setParameter("window", failedLoginWindowSeconds)
                .setParameter("event", event.id)
                .setParameter("payload", payload)
                .setParameter("burst", failedLoginBurst)
                .setParameter("channel", WAKE_CHANNEL)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** The body as Standard Webhooks suggests it: {@code {"type", "timestamp", "data"}}; the id is a header. */
    private String payload(String type, AuditEvent event, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", event.occurredAt.toString());
        body.put("data", data);
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a webhook payload could not be written", e);
        }
    }
}
