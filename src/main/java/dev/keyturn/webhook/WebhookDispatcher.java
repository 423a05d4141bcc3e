package dev.keyturn.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.keyturn.db.DatabasePool;
import dev.keyturn.db.ListenerConnections;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Delivers the outbox ({@link WebhookOutbox}), at least once, each message by one replica at a time.
 * <ul>
 * <li><b>Claim</b>: one autocommit statement takes due messages ({@code FOR UPDATE SKIP LOCKED}, so replicas never
 * take the same one) and moves each one's due time to the end of a lease ({@code 2 × KEYTURN_WEBHOOK_TIMEOUT + 5 s}).
 * A replica that dies mid-attempt loses nothing: when the lease ends, the message is due again and another replica
 * (or this one, restarted) sends it again, with the same {@code webhook-id}. No connection is held during the HTTP
 * exchange, so a slow receiver costs the database nothing.</li>
 * <li><b>Send</b>: at most {@code KEYTURN_WEBHOOK_CONCURRENCY} attempts in flight on this replica, each bounded by
 * {@code KEYTURN_WEBHOOK_TIMEOUT}, on the event loop's non-blocking HTTP client ({@link WebhookSender}): a slow or
 * dead receiver never takes a thread, a connection of the pool, or time from logins. A claim takes at most half the
 * free slots from one endpoint, so that one endpoint's backlog does not hold up the others.</li>
 * <li><b>Record</b>: one statement writes the outcome (delivered, or due again after {@link RetrySchedule}'s backoff,
 * or failed once the retry period is over) under the attempt's claim, and the attempt into the delivery log.</li>
 * <li><b>Wake-up</b>: every replica LISTENs on the channel that the outbox statement NOTIFYs (PostgreSQL delivers it
 * at commit only), so a message usually goes out milliseconds after its event committed; a poll every
 * {@code KEYTURN_WEBHOOK_POLL_INTERVAL} finds retries that became due, and everything if the notification was
 * missed.</li>
 * </ul>
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    private static final long RECONNECT_DELAY_MS = 1000;

    /**
     * Due messages of enabled endpoints: at most $2 of one endpoint and $1 in all, endpoints in random order; leased
     * until now + $3 ms under claim $4. The locks end with the statement; the lease then keeps other claims away.
     */
    private static final String CLAIM = """
            UPDATE webhook_messages m
               SET attempts = m.attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond', claim_id = $4
              FROM (SELECT d.id, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at
                      FROM (SELECT * FROM webhook_endpoints WHERE enabled ORDER BY random()) e
                      CROSS JOIN LATERAL (SELECT id FROM webhook_messages
                                           WHERE endpoint_id = e.id AND status = 'pending' AND next_attempt_at <= now()
                                           ORDER BY next_attempt_at
                                           LIMIT $2
                                             FOR UPDATE SKIP LOCKED) d
                     LIMIT $1) c
             WHERE m.id = c.id
            RETURNING m.id, m.endpoint_id, m.event_id, m.event_type, m.payload, m.created_at, m.attempts,
                      c.url, c.secret, c.previous_secret, c.previous_secret_expires_at""";

    /**
     * The outcome of attempt $6 of message $1 under claim $2: status $3, next due time $4 (pending) and, whether or not
     * the claim still held (a lease that ran out lets another replica try meanwhile), the attempt in the log.
     */
    private static final String RECORD = """
            WITH outcome AS (
                UPDATE webhook_messages
                   SET status = $3, next_attempt_at = coalesce($4, next_attempt_at), claim_id = NULL,
                       finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
                 WHERE id = $1 AND claim_id = $2
            )
            INSERT INTO webhook_deliveries (id, endpoint_id, message_id, event_id, event_type, attempt, attempted_at,
                                            duration_ms, status_code, error, outcome)
            VALUES (gen_random_uuid(), $5, $1, $7, $8, $6, now() - $9 * interval '1 millisecond', $9, $10, $11, $12)""";

    private final Vertx vertx;
    private final Pool pool;
    private final WebhookSender sender;
    private final WebhookConfig config;
    private final RetrySchedule retries;
    private final PgConnectOptions listenOptions;
    private final long leaseMillis;
    private final ListenerConnections listeners;
    private final WebhookMetrics metrics;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean claimAgain;
    private volatile boolean backlog;
    private volatile boolean stopped;
    private volatile long timer = -1;
    private volatile PgSubscriber subscriber;
    private volatile CompletableFuture<Void> firstAttempt;

    public WebhookDispatcher(Vertx vertx, Pool pool, WebhookSender sender, WebhookConfig config,
            DatabasePool databasePool, ListenerConnections listeners, WebhookMetrics metrics) {
        this.vertx = vertx;
        this.pool = pool;
        this.sender = sender;
        this.config = config;
        this.listeners = listeners;
        this.metrics = metrics;
        this.retries = new RetrySchedule(config.retryBaseDelay(), config.retryMaxDelay(), config.retryPeriod());
        this.leaseMillis = config.timeout().multipliedBy(2).plusSeconds(5).toMillis();
        this.listenOptions = databasePool.listenConnection("webhook-listener");
        if (config.concurrency() < 1 || config.pollInterval().toMillis() < 10) {
            throw new IllegalArgumentException("KEYTURN_WEBHOOK_CONCURRENCY must be at least 1 and"
                    + " KEYTURN_WEBHOOK_POLL_INTERVAL at least 10 ms");
        }
    }

    void start(@Observes StartupEvent event) {
        if (!config.delivery()) {
            LOG.info("webhook delivery is off on this replica (KEYTURN_WEBHOOK_DELIVERY=false); it still queues events");
            return;
        }
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> poll());
        PgSubscriber listening = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> RECONNECT_DELAY_MS);
        listening.channel(WebhookOutbox.WAKE_CHANNEL)
                .subscribeHandler(this::poll) // also after a reconnection: what came meanwhile is due
                .handler(payload -> poll());
        subscriber = listening;
        firstAttempt = listeners.connecting(); // before the pool's warm-up (db/ListenerConnections)
        listen();
    }

    private void listen() {
        if (stopped) {
            return;
        }
        subscriber.connect().subscribe().with(ignored -> {
            LOG.debug("listening for webhook wake-ups");
            firstAttempt.complete(null);
        }, failure -> {
            firstAttempt.complete(null);
            // the poll still delivers, a poll interval later
            LOG.debugf("cannot listen for webhook wake-ups yet (%s); retrying", failure.getMessage());
            vertx.setTimer(RECONNECT_DELAY_MS, id -> listen());
        });
    }

    /** Claims as many due messages as there are free slots and sends them; one claim at a time on a replica. */
    void poll() {
        if (stopped) {
            return;
        }
        if (!claiming.compareAndSet(false, true)) {
            claimAgain = true; // the claim running now may have missed what this call was woken for
            return;
        }
        claimAgain = false;
        int free = config.concurrency() - inFlight.get();
        if (free <= 0) {
            claiming.set(false);
            backlog = true;
            return;
        }
        claim(free).subscribe().with(claimed -> {
            inFlight.addAndGet(claimed.size());
            backlog = claimed.size() == free;
            claiming.set(false);
            for (Claimed message : claimed) {
                deliver(message).subscribe().with(ignored -> finished(), failure -> {
                    // the result could not be written (database down): the lease ends and the message is tried again
                    LOG.warnf("the outcome of webhook message %s could not be recorded: %s", message.id(), failure.getMessage());
                    finished();
                });
            }
            if (claimAgain) {
                poll();
            }
        }, failure -> {
            claiming.set(false);
            LOG.debugf("claiming webhook messages failed: %s", failure.getMessage());
        });
    }

    private void finished() {
        inFlight.decrementAndGet();
        if (backlog || claimAgain) {
            poll();
        }
    }

    /** A message taken for one attempt, with what signing and sending it need. */
    record Claimed(UUID id, UUID endpointId, UUID eventId, String eventType, String payload, Instant createdAt,
            int attempt, String url, List<String> secrets, UUID claimId) {
    }

    Uni<List<Claimed>> claim(int free) {
        UUID claimId = UUID.randomUUID();
        int perEndpoint = Math.max(1, free / 2);
        return pool.preparedQuery(CLAIM).execute(Tuple.of(free, perEndpoint, leaseMillis, claimId)).map(rows -> {
            Instant now = Instant.now();
            List<Claimed> claimed = new ArrayList<>(rows.size());
            for (Row row : rows) {
                List<String> secrets = new ArrayList<>(2);
                secrets.add(row.getString("secret"));
                OffsetDateTime previousExpires = row.getOffsetDateTime("previous_secret_expires_at");
                if (row.getString("previous_secret") != null && previousExpires != null
                        && previousExpires.toInstant().isAfter(now)) {
                    secrets.add(row.getString("previous_secret"));
                }
                claimed.add(new Claimed(row.getUUID("id"), row.getUUID("endpoint_id"), row.getUUID("event_id"),
                        row.getString("event_type"), row.getString("payload"),
                        row.getOffsetDateTime("created_at").toInstant(), row.getInteger("attempts"), row.getString("url"),
                        secrets, claimId));
            }
            return claimed;
        });
    }

    /** One attempt and its record. A message past its retry period (its endpoint was disabled) fails unsent. */
    Uni<Void> deliver(Claimed message) {
        if (Instant.now().isAfter(message.createdAt().plus(config.retryPeriod()))) {
            return record(message, new WebhookSender.Attempt(null, "not sent: the retry period had passed", 0));
        }
        return sender.send(new WebhookSender.Outgoing(message.url(), message.eventId().toString(), message.payload(),
                message.secrets())).chain(attempt -> record(message, attempt));
    }

    private Uni<Void> record(Claimed message, WebhookSender.Attempt attempt) {
        Instant next = attempt.delivered() ? null
                : retries.next(message.createdAt(), message.attempt(), Instant.now(), ThreadLocalRandom.current());
        String status = attempt.delivered() ? "delivered" : next == null ? "failed" : "pending";
        String outcome = attempt.delivered() ? "delivered" : next == null ? "failed" : "retrying";
        metrics.attempted(attempt.delivered() ? WebhookMetrics.Outcome.DELIVERED
                : next == null ? WebhookMetrics.Outcome.ABANDONED : WebhookMetrics.Outcome.FAILED, attempt.durationMs());
        if (!attempt.delivered()) {
            LOG.debugf("webhook message %s, attempt %d: %s", message.id(), message.attempt(),
                    attempt.statusCode() != null ? "HTTP " + attempt.statusCode() : attempt.error());
        }
        Tuple parameters = Tuple.tuple(List.of(message.id(), message.claimId(), status));
        parameters.addValue(next == null ? null : next.atOffset(ZoneOffset.UTC))
                .addValue(message.endpointId())
                .addValue(message.attempt())
                .addValue(message.eventId())
                .addValue(message.eventType())
                .addValue(attempt.durationMs())
                .addValue(attempt.statusCode())
                .addValue(attempt.error())
                .addValue(outcome);
        return pool.preparedQuery(RECORD).execute(parameters).replaceWithVoid();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }
}
