package dev.keyturn.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Opens every connection of the request pool before readiness says UP. The pool otherwise opens its
 * connections on demand: a burst on a fresh start then waits for up to 20 connections being opened at once
 * on a cold JVM, and the requests queued behind them outlast the acquire timeout (503). Readiness
 * ({@link DatabaseHealthCheck}) waits for this, so Kubernetes sends no traffic to a cold pool; a warm-up that
 * opened nothing (database down at start) is tried again by the next probe. One that opened some connections
 * only is done: the database may allow fewer connections than replicas x pool size (53300 "too many clients"),
 * and the pool then works as before, opening connections on demand, rather than keep the replica unready.
 */
@ApplicationScoped
public class PoolWarmup {

    private static final Logger LOG = Logger.getLogger(PoolWarmup.class);

    private final Pool pool;
    private final int size;
    private final AtomicReference<Uni<Void>> warmUp = new AtomicReference<>();
    private volatile boolean warm;

    public PoolWarmup(Pool pool, @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int size) {
        this.pool = pool;
        this.size = size;
    }

    void start(@Observes StartupEvent event) {
        ensureWarm().subscribe().with(ignored -> { }, failure -> LOG.warnf(
                "could not open the database pool at start-up (%s); readiness stays DOWN until one opens",
                DatabaseFailures.describe(failure)));
    }

    /** Completes once the pool's connections are open: at once after the first success, else by one attempt at a time. */
    public Uni<Void> ensureWarm() {
        if (warm) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> attempt = openAll().invoke(() -> warm = true).memoize().indefinitely();
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
        List<Uni<Boolean>> queries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            // All asked for at once, so the pool opens `size` connections rather than reusing the first one.
            queries.add(pool.withConnection(connection -> connection.query("select 1").execute())
                    .map(ignored -> true)
                    .onFailure().recoverWithItem(false));
        }
        return Uni.join().all(queries).andFailFast().invoke(opened -> {
            long count = opened.stream().filter(Boolean::booleanValue).count();
            if (count == 0) {
                throw new IllegalStateException("no database connection could be opened");
            }
            if (count < size) {
                LOG.warnf("opened %d of the pool's %d database connections at start-up; the others open on demand",
                        count, size);
            }
        }).replaceWithVoid();
    }
}
