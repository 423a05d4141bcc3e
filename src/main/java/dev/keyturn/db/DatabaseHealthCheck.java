package dev.keyturn.db;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Readiness: the pool that serves requests is open ({@link PoolWarmup}) and the database answers
 * {@code select 1} through it, within {@link #TIMEOUT}; otherwise DOWN at once, never a hang. It replaces Quarkus's datasource checks
 * ({@code quarkus.datasource.health.enabled=false}): the JDBC one would probe the Flyway-only pool, whose
 * stale connections report DOWN once more after the database is back, and the reactive one runs on a
 * pool path that logs a spurious "Result is already complete" error for each failed probe.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements AsyncHealthCheck {

    static final String NAME = "Database";
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private final PoolWarmup warmup;

    public DatabaseHealthCheck(Pool pool, PoolWarmup warmup) {
        this.pool = pool;
        this.warmup = warmup;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return warmup.ensureWarm()
                .chain(() -> pool.withConnection(connection -> connection.query("select 1").execute()))
                .ifNoItem().after(TIMEOUT).fail()
                .map(ignored -> HealthCheckResponse.up(NAME))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", DatabaseFailures.describe(failure)).build());
    }
}
