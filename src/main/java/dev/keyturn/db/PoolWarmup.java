package dev.keyturn.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Opens every connection of the request pool before readiness says UP. The pool otherwise opens its
 * connections on demand: a burst on a fresh start then waits for up to 20 connections being opened at once
 * on a cold JVM, and the requests queued behind them outlast the acquire timeout (503). Readiness
 * ({@link DatabaseHealthCheck}) waits for this, so Kubernetes sends no traffic to a cold pool; a warm-up that
 * opened nothing (database down at start) is tried again by the next probe.
 * <p>
 * The database may allow fewer connections than replicas x pool size (53300 "too many clients"). What opened is then
 * enough to be ready, and the warm-up makes the most of it:
 * <ul>
 * <li>it starts after the LISTEN connections' first attempts ({@link ListenerConnections}), so it never takes the
 * connection a replica needs to hear of revocations;</li>
 * <li>it opens one connection per event loop first, then the rest at once, holding them all until it is done. The
 * pool (Vert.x) lends a request a connection of the request's own event loop, and while it is under its size it opens
 * a new one rather than lend one of another loop; a new connection the database refuses fails the request. A loop
 * with no connection at all would fail every request it serves, the readiness probe's included; the first wave gives
 * every loop one before any gets a second, and a refusal in it ends the warm-up.</li>
 * </ul>
 * The warning it logs names the numbers, and the remedy: a pool size that fits (docs/operations.md).
 */
@ApplicationScoped
public class PoolWarmup {

    private static final Logger LOG = Logger.getLogger(PoolWarmup.class);
    /** After the observers of the default priority: the LISTEN connections start there. */
    private static final int AFTER_LISTENERS = Interceptor.Priority.APPLICATION + 1000;

    private final Pool pool;
    private final ListenerConnections listeners;
    private final int size;
    private final int eventLoops;
    private final AtomicReference<Uni<Void>> warmUp = new AtomicReference<>();
    private volatile boolean warm;

    public PoolWarmup(Pool pool, ListenerConnections listeners,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int size,
            @ConfigProperty(name = "quarkus.vertx.event-loops-pool-size") Optional<Integer> eventLoops) {
        this.pool = pool;
        this.listeners = listeners;
        this.size = size;
        // Quarkus's default: two event loops per core, each of which the pool spreads its connections over
        this.eventLoops = Math.max(1, eventLoops.orElse(2 * Runtime.getRuntime().availableProcessors()));
    }

    void start(@Observes @Priority(AFTER_LISTENERS) StartupEvent event) {
        ensureWarm().subscribe().with(ignored -> { }, failure -> LOG.warnf(
                "could not open the database pool at start-up (%s); readiness stays DOWN until one opens",
                DatabaseFailures.describe(failure)));
    }

    /** Completes once the pool's connections are open: at once after the first success, else by one attempt at a time. */
    public Uni<Void> ensureWarm() {
        if (warm) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> attempt = listeners.firstAttemptsEnded().chain(this::openAll).invoke(() -> warm = true)
                .memoize().indefinitely();
        if (!warmUp.compareAndSet(null, attempt)) {
            attempt = warmUp.get();
            if (attempt == null) {
                return ensureWarm();
            }
        }
        Uni<Void> running = attempt;
        return running.onTermination().invoke(() -> warmUp.compareAndSet(running, null));
    }

    private Uni<Void> openAll() {
        List<SqlConnection> held = new ArrayList<>(size);
        return openWaves(held)
                .eventually(() -> Uni.join().all(held.stream().map(SqlConnection::close).toList()).andCollectFailures()
                        .onFailure().recoverWithNull())
                .invoke(opened -> {
                    if (opened == 0) {
                        throw new IllegalStateException("no database connection could be opened");
                    }
                    if (opened < size) {
                        LOG.warnf("opened %d of the pool's %d database connections at start-up: the database allows no more "
                                + "to this replica. Requests that find no free connection of their event loop will fail "
                                + "(503) while the pool tries for more; size KEYTURN_DB_POOL_SIZE so that replicas x "
                                + "(pool size + 2) fits the database's max_connections", opened, size);
                    }
                }).replaceWithVoid();
    }

    /** One connection per event loop, then (if none was refused) the rest; each wave asked for at once. */
    private Uni<Integer> openWaves(List<SqlConnection> held) {
        return open(Math.min(eventLoops, size), held)
                .chain(complete -> complete ? open(size - held.size(), held) : Uni.createFrom().item(false))
                .map(ignored -> held.size());
    }

    /**
     * Asks for {@code count} connections at once, so that the pool opens that many (none is free: the warm-up holds
     * what it opened).
     *
     * @return whether every one opened
     */
    private Uni<Boolean> open(int count, List<SqlConnection> held) {
        if (count == 0) {
            return Uni.createFrom().item(true);
        }
        List<Uni<SqlConnection>> opening = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            opening.add(pool.getConnection().onFailure().recoverWithNull());
        }
        return Uni.join().all(opening).andFailFast().map(opened -> {
            opened.stream().filter(Objects::nonNull).forEach(held::add);
            return !opened.contains(null);
        });
    }
}
