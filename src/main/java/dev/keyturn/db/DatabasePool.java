package dev.keyturn.db;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Bounds every wait on the database, so that a database that is down or stuck answers 503 within about a
 * second instead of holding requests: Quarkus sets neither the TCP connect timeout (Vert.x default 60 s)
 * nor the time a request may wait for a pooled connection (30 s) nor the length of that wait queue
 * (unbounded). See docs/reliability.md.
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    private final Duration connectTimeout;
    private final Duration acquireTimeout;
    private final int maxWaitQueueSize;

    public DatabasePool(@ConfigProperty(name = "keyturn.db.connect-timeout") Duration connectTimeout,
            @ConfigProperty(name = "keyturn.db.acquire-timeout") Duration acquireTimeout,
            @ConfigProperty(name = "keyturn.db.max-wait-queue-size") int maxWaitQueueSize) {
        this.connectTimeout = connectTimeout;
        this.acquireTimeout = acquireTimeout;
        this.maxWaitQueueSize = maxWaitQueueSize;
    }

    @Override
    @SuppressWarnings("deprecation") // Quarkus casts the answer to PgPool, which only these factories return
    public Pool create(Input input) {
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout((int) acquireTimeout.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(maxWaitQueueSize);
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) connectTimeout.toMillis());
        }
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), pool);
    }

    /** The same connect timeout for connections made outside the pool (the LISTEN connection). */
    public PgConnectOptions bounded(PgConnectOptions options) {
        return options.setConnectTimeout((int) connectTimeout.toMillis());
    }
}
