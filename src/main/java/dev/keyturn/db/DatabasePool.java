package dev.keyturn.db;

import java.time.Duration;
import java.util.Optional;
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
    private final String url;
    private final String username;
    private final String password;

    public DatabasePool(@ConfigProperty(name = "keyturn.db.connect-timeout") Duration connectTimeout,
            @ConfigProperty(name = "keyturn.db.acquire-timeout") Duration acquireTimeout,
            @ConfigProperty(name = "keyturn.db.max-wait-queue-size") int maxWaitQueueSize,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.connectTimeout = connectTimeout;
        this.acquireTimeout = acquireTimeout;
        this.maxWaitQueueSize = maxWaitQueueSize;
        this.url = url;
        this.username = username;
        this.password = password.orElse("");
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

    /**
     * A LISTEN connection beside the pool (see {@link ListenerConnections}): the pool's database and credentials, its
     * connect timeout, and a client name of its own in the SQL client's metrics,
     * {@code postgresql_*{clientName="<clientName>"}} beside the pool's {@code clientName="<default>"}. Without a name
     * the client exported its meters as {@code m__*{clientName="<default>"}}.
     */
    public PgConnectOptions listenConnection(String clientName) {
        return PgConnectOptions.fromUri(url).setUser(username).setPassword(password)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMetricsName("postgresql|" + clientName);
    }
}
