package dev.keyturn.webhook;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;

/**
 * One attempt: a POST of the message's payload, signed as Standard Webhooks say (headers {@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}; the signature by the library of the Standard Webhooks project,
 * {@code com.standardwebhooks:standardwebhooks}), over Vert.x's non-blocking HTTP client. Every wait is bounded: the
 * whole exchange, connection included, ends after {@code KEYTURN_WEBHOOK_TIMEOUT}. Redirects are not followed (a
 * redirect is a failure: following one would take the request where the address rule never looked). The receiver's
 * answer is read to its end and thrown away; only its status counts.
 */
@ApplicationScoped
public class WebhookSender {

    static final String USER_AGENT = "Keyturn-Webhooks/1";

    private final Destinations destinations;
    private final Duration timeout;
    private final HttpClient client;

    public WebhookSender(Vertx vertx, Destinations destinations, WebhookConfig config) {
        this.destinations = destinations;
        this.timeout = config.timeout();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(millis)
                .setKeepAlive(true)
                .setForceSni(true)
                .setTryUseCompression(false),
                new PoolOptions().setHttp1MaxSize(Math.max(1, config.concurrency())));
    }

    /** What an attempt came to: the receiver's status, or why there was none. */
    record Attempt(Integer statusCode, String error, int durationMs) {
        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    /** A message to send, with the endpoint's live secrets (the current one first). */
    record Outgoing(String url, String eventId, String payload, List<String> secrets) {
    }

    /** Never fails: a failure to deliver is an {@link Attempt} without a status. */
    Uni<Attempt> send(Outgoing message) {
        long started = System.nanoTime();
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        return Uni.createFrom().item(() -> Destinations.parse(message.url()))
                .chain(uri -> destinations.connectTo(uri).chain(server -> exchange(uri, server, message, inFlight)))
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException())
                .map(status -> new Attempt(status, null, elapsed(started)))
                .onFailure().recoverWithItem(failure -> {
                    HttpClientRequest request = inFlight.get();
                    if (request != null) {
                        request.reset(); // a receiver still sending its answer gets the connection closed
                    }
                    return new Attempt(null, describe(failure), elapsed(started));
                });
    }

    private Uni<Integer> exchange(URI uri, io.vertx.core.net.SocketAddress server, Outgoing message,
            AtomicReference<HttpClientRequest> inFlight) {
        long timestamp = Instant.now().getEpochSecond();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(uri.toString())
                .setFollowRedirects(false)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        if (server != null) {
            options.setServer(server); // the address that was checked, whatever the name resolves to now
        }
        return client.request(options).chain(request -> {
            inFlight.set(request);
            request.putHeader("content-type", "application/json")
                    .putHeader("user-agent", USER_AGENT)
                    .putHeader("webhook-id", message.eventId())
                    .putHeader("webhook-timestamp", Long.toString(timestamp))
                    .putHeader("webhook-signature", signature(message, timestamp));
            return request.send(message.payload());
        }).chain(response -> response.end().replaceWith(response.statusCode()));
    }

    /**
     * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} under each live secret, space-separated: while a rotated
     * secret still signs, a receiver holding either verifies the message.
     */
    static String signature(Outgoing message, long timestamp) {
        StringBuilder signatures = new StringBuilder();
        for (String secret : message.secrets()) {
            try {
                if (!signatures.isEmpty()) {
                    signatures.append(' ');
                }
                signatures.append(new Webhook(secret).sign(message.eventId(), timestamp, message.payload()));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("a webhook could not be signed", e);
            }
        }
        return signatures.toString();
    }

    /** Short and free of anything secret: the kind of failure and the transport's message. */
    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (failure instanceof Destinations.Refused refused) {
            return "refused destination: " + refused.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        text = text.replaceAll("\\p{Cntrl}", " ");
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    private static int elapsed(long started) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }
}
