package dev.keyturn.webhook;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The admin API's work on webhook endpoints. Every change runs in one transaction under the endpoint row's lock and
 * is audited with the admin who made it (never with the URL, whose query string may hold a receiver's token, nor a
 * secret). A secret is shown once, in the answer that made it.
 */
@ApplicationScoped
public class WebhookRegistry {

    /** How long a rotated secret keeps signing beside the new one unless the rotation says otherwise. */
    static final int DEFAULT_PREVIOUS_SECRET_SECONDS = 86_400;

    private static final String PENDING = "SELECT endpoint_id, count(*) AS pending FROM webhook_messages"
            + " WHERE status = 'pending' GROUP BY endpoint_id";

    private static final String DELIVERIES = "SELECT id, event_id, event_type, attempt, attempted_at, duration_ms,"
            + " status_code, error, outcome FROM webhook_deliveries WHERE endpoint_id = $1"
            + " ORDER BY attempted_at DESC, id DESC LIMIT $2 OFFSET $3";

    private static final String DELIVERY_COUNT = "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1";

    private final Destinations destinations;
    private final AuditLog auditLog;
    private final Pool pool;

    public WebhookRegistry(Destinations destinations, AuditLog auditLog, Pool pool) {
        this.destinations = destinations;
        this.auditLog = auditLog;
        this.pool = pool;
    }

    /** @return the new endpoint with its secret (made here unless the request brings one), shown this once */
    public Uni<WebhookViews.Endpoint> create(WebhookRequests.Endpoint request, UUID adminId, ClientInfo client) {
        List<String> events = WebhookEvents.subscriptions(request.events());
        String secret = request.secret() == null ? WebhookSecrets.generate() : WebhookSecrets.check(request.secret(), "secret");
        return destinations.checkForRegistration(request.url()).chain(url -> {
            Instant now = now();
            WebhookEndpoint endpoint = new WebhookEndpoint();
            endpoint.id = UUID.randomUUID();
            endpoint.secret = secret;
            endpoint.createdAt = now;
            apply(endpoint, url, events, request, now);
            return Panache.withTransaction(() -> endpoint.persist()
                    .call(() -> audit(AuditType.WEBHOOK_CREATED, adminId, endpoint, client, Map.of("events", events))))
                    .map(ignored -> WebhookViews.Endpoint.of(endpoint, 0).withSecret(secret));
        });
    }

    public Uni<List<WebhookViews.Endpoint>> list() {
        return pending().chain(pending -> Panache.withSession(() -> WebhookEndpoint.<WebhookEndpoint> list(
                "order by createdAt, id"))
                .map(endpoints -> endpoints.stream()
                        .map(endpoint -> WebhookViews.Endpoint.of(endpoint, pending.getOrDefault(endpoint.id, 0L)))
                        .toList()));
    }

    public Uni<WebhookViews.Endpoint> get(UUID id) {
        return pending().chain(pending -> Panache.withSession(() -> WebhookEndpoint.<WebhookEndpoint> findById(id))
                .map(endpoint -> {
                    if (endpoint == null) {
                        throw notFound();
                    }
                    return WebhookViews.Endpoint.of(endpoint, pending.getOrDefault(id, 0L));
                }));
    }

    /** Replaces an endpoint's settings; its secret changes only through {@link #rotateSecret}. */
    public Uni<WebhookViews.Endpoint> update(UUID id, WebhookRequests.Endpoint request, UUID adminId, ClientInfo client) {
        if (request.secret() != null) {
            throw ProblemException.validation("secret", "changes through POST /admin/webhooks/{id}/secret");
        }
        List<String> events = WebhookEvents.subscriptions(request.events());
        return destinations.checkForRegistration(request.url())
                .chain(url -> Panache.withTransaction(() -> locked(id).chain(endpoint -> {
                    apply(endpoint, url, events, request, now());
                    return audit(AuditType.WEBHOOK_UPDATED, adminId, endpoint, client,
                            Map.of("events", events, "enabled", endpoint.enabled));
                })))
                .chain(() -> get(id));
    }

    /** Deletes an endpoint with its undelivered messages and its delivery log. */
    public Uni<Void> delete(UUID id, UUID adminId, ClientInfo client) {
        return Panache.withTransaction(() -> locked(id).chain(endpoint -> Panache.getSession()
                .chain(session -> session.createNativeQuery("DELETE FROM webhook_messages WHERE endpoint_id = :id")
                        .setParameter("id", id).executeUpdate()
                        .chain(() -> session.createNativeQuery("DELETE FROM webhook_deliveries WHERE endpoint_id = :id")
                                .setParameter("id", id).executeUpdate()))
                .chain(endpoint::delete)
                .chain(() -> audit(AuditType.WEBHOOK_DELETED, adminId, endpoint, client, Map.of()))));
    }

    /**
     * A new signing secret, shown this once. The old one keeps signing beside it (a second signature in
     * {@code webhook-signature}) for {@code previous_secret_expires_in} seconds, a day unless said otherwise, so that
     * receivers can switch without losing a message; 0 ends it at once.
     */
    public Uni<WebhookViews.Endpoint> rotateSecret(UUID id, WebhookRequests.SecretRotation rotation, UUID adminId,
            ClientInfo client) {
        String secret = rotation == null || rotation.secret() == null
                ? WebhookSecrets.generate()
                : WebhookSecrets.check(rotation.secret(), "secret");
        int keep = rotation == null || rotation.previousSecretExpiresIn() == null
                ? DEFAULT_PREVIOUS_SECRET_SECONDS
                : rotation.previousSecretExpiresIn();
        return Panache.withTransaction(() -> locked(id).chain(endpoint -> {
            Instant now = now();
            endpoint.previousSecret = keep == 0 ? null : endpoint.secret;
            endpoint.previousSecretExpiresAt = keep == 0 ? null : now.plusSeconds(keep);
            endpoint.secret = secret;
            endpoint.updatedAt = now;
            return audit(AuditType.WEBHOOK_SECRET_ROTATED, adminId, endpoint, client,
                    Map.of("previous_secret_expires_in", keep));
        })).chain(() -> get(id)).map(view -> view.withSecret(secret));
    }

    /** The endpoint's delivery log, newest attempt first. */
    public Uni<WebhookViews.Deliveries> deliveries(UUID id, int page, int size) {
        return get(id).chain(endpoint -> pool.preparedQuery(DELIVERY_COUNT).execute(Tuple.of(id))
                .chain(count -> pool.preparedQuery(DELIVERIES).execute(Tuple.of(id, size, (long) page * size))
                        .map(rows -> {
                            List<WebhookViews.Delivery> items = new ArrayList<>(rows.size());
                            for (Row row : rows) {
                                items.add(new WebhookViews.Delivery(row.getUUID("id"), row.getUUID("event_id"),
                                        row.getString("event_type"), row.getInteger("attempt"),
                                        row.getOffsetDateTime("attempted_at").toInstant(), row.getInteger("duration_ms"),
                                        row.getInteger("status_code"), row.getString("error"), row.getString("outcome")));
                            }
                            return new WebhookViews.Deliveries(items, page, size,
                                    count.iterator().next().getLong(0));
                        })));
    }

    private Uni<Map<UUID, Long>> pending() {
        return pool.query(PENDING).execute().map(rows -> {
            Map<UUID, Long> pending = new HashMap<>();
            for (Row row : rows) {
                pending.put(row.getUUID("endpoint_id"), row.getLong("pending"));
            }
            return pending;
        });
    }

    private static void apply(WebhookEndpoint endpoint, String url, List<String> events, WebhookRequests.Endpoint request,
            Instant now) {
        endpoint.url = url;
        endpoint.events = new ArrayList<>(events);
        endpoint.description = request.description() == null || request.description().isBlank()
                ? null
                : request.description().strip();
        endpoint.enabled = request.enabled() == null || request.enabled();
        endpoint.updatedAt = now;
    }

    private static Uni<WebhookEndpoint> locked(UUID id) {
        return WebhookEndpoint.<WebhookEndpoint> findById(id, LockModeType.PESSIMISTIC_WRITE).map(endpoint -> {
            if (endpoint == null) {
                throw notFound();
            }
            return endpoint;
        });
    }

    private Uni<Void> audit(AuditType type, UUID adminId, WebhookEndpoint endpoint, ClientInfo client,
            Map<String, Object> detail) {
        Map<String, Object> all = new LinkedHashMap<>(detail);
        all.put("webhook_id", endpoint.id.toString());
        return auditLog.record(type, adminId, null, client, all);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static ProblemException notFound() {
        return new ProblemException(ErrorCode.NOT_FOUND, "No such webhook endpoint.");
    }
}
