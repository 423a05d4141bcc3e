package dev.keyturn.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What {@code /admin/webhooks} answers: never a secret, but once, in the answer that made it. */
public final class WebhookViews {

    private WebhookViews() {
    }

    /**
     * An endpoint. {@code pending_messages} is its backlog: messages not yet delivered (nor given up).
     * {@code previous_secret_expires_at} is set while the secret before the last rotation still signs.
     */
    @RegisterForReflection
    public record Endpoint(UUID id, String url, String description, List<String> events, boolean enabled,
            long pendingMessages, Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt, String secret) {

        static Endpoint of(WebhookEndpoint endpoint, long pendingMessages) {
            Instant previous = endpoint.previousSecret != null && endpoint.previousSecretExpiresAt != null
                    && endpoint.previousSecretExpiresAt.isAfter(Instant.now()) ? endpoint.previousSecretExpiresAt : null;
            return new Endpoint(endpoint.id, endpoint.url, endpoint.description, List.copyOf(endpoint.events),
                    endpoint.enabled, pendingMessages, previous, endpoint.createdAt, endpoint.updatedAt, null);
        }

        Endpoint withSecret(String shownOnce) {
            return new Endpoint(id, url, description, events, enabled, pendingMessages, previousSecretExpiresAt,
                    createdAt, updatedAt, shownOnce);
        }
    }

    /** One attempt of the delivery log. {@code outcome}: delivered, retrying (another attempt is due) or failed. */
    @RegisterForReflection
    public record Delivery(UUID id, UUID eventId, String eventType, int attempt, Instant attemptedAt, int durationMs,
            Integer statusCode, String error, String outcome) {
    }

    /** A page of the delivery log, newest first: {@code {"items", "page", "size", "total"}} as every listing. */
    @RegisterForReflection
    public record Deliveries(List<Delivery> items, int page, int size, long total) {
    }
}
