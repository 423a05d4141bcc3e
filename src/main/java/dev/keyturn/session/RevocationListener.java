package dev.keyturn.session;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.keyturn.token.RevokedSessions;
import dev.keyturn.db.DatabasePool;
import dev.keyturn.db.ListenerConnections;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Keeps this replica's {@link RevokedSessions} complete without a database read per request:
 * <ul>
 * <li>at start-up, and whenever the listening connection is (re)established, it loads the sessions
 * revoked recently enough that their access tokens may still be live, those of deleted accounts from their
 * tombstones (restarts and outages lose nothing);</li>
 * <li>in between, PostgreSQL {@code LISTEN} delivers each revocation committed by any replica within
 * milliseconds.</li>
 * </ul>
 */
@ApplicationScoped
public class RevocationListener {

    private static final Logger LOG = Logger.getLogger(RevocationListener.class);
    private static final long RECONNECT_DELAY_MS = 1000;

    private final Vertx vertx;
    private final Pool pool;
    private final RevokedSessions revokedSessions;
    private final PgConnectOptions options;
    private final ListenerConnections listeners;
    private volatile PgSubscriber subscriber;
    private volatile CompletableFuture<Void> firstAttempt;
    private volatile boolean stopped;

    public RevocationListener(Vertx vertx, Pool pool, RevokedSessions revokedSessions, DatabasePool databasePool,
            ListenerConnections listeners) {
        this.vertx = vertx;
        this.pool = pool;
        this.revokedSessions = revokedSessions;
        this.listeners = listeners;
        this.options = databasePool.listenConnection("revocation-listener");
    }

    void start(@Observes StartupEvent event) {
        PgSubscriber listening = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> RECONNECT_DELAY_MS);
        listening.channel(SessionRevocations.CHANNEL)
                .subscribeHandler(this::reloadUntilDone)
                .handler(this::received);
        subscriber = listening;
        // before the pool's warm-up: on a database short of connections, this one must not be the one missing
        firstAttempt = listeners.connecting();
        connect();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        subscriber.connect().subscribe().with(ignored -> {
            LOG.debug("listening for session revocations");
            firstAttempt.complete(null);
        }, failure -> {
            firstAttempt.complete(null);
            LOG.warnf("cannot listen for session revocations yet (%s); retrying", failure.getMessage());
            vertx.setTimer(RECONNECT_DELAY_MS, id -> connect());
        });
    }

    /** Runs on every (re)subscription: what was revoked while this replica was not listening is read back. */
    private void reloadUntilDone() {
        if (stopped) {
            return;
        }
        reload().subscribe().with(count -> LOG.debugf("reloaded %d recent revocations", count), failure -> {
            LOG.warnf("could not reload recent revocations (%s); retrying", failure.getMessage());
            vertx.setTimer(RECONNECT_DELAY_MS, id -> reloadUntilDone());
        });
    }

    private void received(String payload) {
        for (String id : payload.split(",")) {
            if (!id.isBlank()) {
                revokedSessions.add(id.trim());
            }
        }
    }

    /** Loads every revocation that can still matter; returns how many. */
    Uni<Integer> reload() {
        OffsetDateTime since = OffsetDateTime.now().minus(revokedSessions.retention());
        return pool.withConnection(connection -> connection
                .preparedQuery("select id, revoked_at from sessions where revoked_at > $1"
                        // the sessions of deleted accounts, whose rows went with the account
                        + " union all select id, revoked_at from session_tombstones where revoked_at > $1")
                .execute(Tuple.of(since)))
                .map(rows -> {
                    int count = 0;
                    for (Row row : rows) {
                        UUID id = row.getUUID("id");
                        revokedSessions.add(id.toString(), row.getOffsetDateTime("revoked_at").toInstant().toEpochMilli());
                        count++;
                    }
                    return count;
                });
    }

    @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictExpired() {
        revokedSessions.evictExpired();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }
}
