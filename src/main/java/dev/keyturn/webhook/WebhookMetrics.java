package dev.keyturn.webhook;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Webhook deliveries, by the naming convention of docs/operations.md ("Metrics"): every attempt counted and timed by
 * outcome ({@code keyturn_webhook_deliveries_total}, {@code keyturn_webhook_delivery_seconds}), and the outbox's backlog
 * ({@code keyturn_webhook_backlog}: messages due or waiting for a retry, of every replica, read every
 * {@link #BACKLOG_EVERY} with one count). No endpoint or URL as a tag: endpoints are data, not a fixed set.
 */
@ApplicationScoped
public class WebhookMetrics {

    static final Duration BACKLOG_EVERY = Duration.ofSeconds(15);
    /** Histogram buckets of the answer time, for its percentiles in Prometheus; up to the 10 s timeout. */
    private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10) };
    private static final String BACKLOG = "SELECT count(*) FROM webhook_messages WHERE status = 'pending'";

    /** What an attempt came to. */
    enum Outcome {
        /** the receiver answered 2xx */
        DELIVERED,
        /** non-2xx, timeout, refused: retried later */
        FAILED,
        /** failed, and the retry period is over: given up */
        ABANDONED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> deliveries = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
    private final AtomicLong backlog = new AtomicLong();
    private final Vertx vertx;
    private final Pool pool;
    private volatile long timer = -1;

    public WebhookMetrics(MeterRegistry registry, Vertx vertx, Pool pool) {
        this.vertx = vertx;
        this.pool = pool;
        for (Outcome outcome : Outcome.values()) {
            deliveries.put(outcome, Counter.builder("keyturn.webhook.deliveries")
                    .description("Webhook delivery attempts by outcome").tag("outcome", outcome.tag()).register(registry));
            durations.put(outcome, Timer.builder("keyturn.webhook.delivery")
                    .description("Webhook receivers' answer time per attempt").tag("outcome", outcome.tag())
                    .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
        }
        Gauge.builder("keyturn.webhook.backlog", backlog, AtomicLong::get)
                .description("Webhook messages due or waiting for a retry").register(registry);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(BACKLOG_EVERY.toMillis(), id -> pool.query(BACKLOG).execute().subscribe().with(
                rows -> backlog.set(rows.iterator().next().getLong(0)), failure -> {
                    // a database outage shows elsewhere; the last figure stays until the next count
                }));
    }

    @PreDestroy
    void stop() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    void attempted(Outcome outcome, long durationMillis) {
        deliveries.get(outcome).increment();
        durations.get(outcome).record(Duration.ofMillis(durationMillis));
    }
}
