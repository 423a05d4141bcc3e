package dev.keyturn.session;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes what can no longer be used: expired refresh tokens, sessions past their cap or revoked, used or
 * expired codes and reset tokens, once they are older than the retention (kept a while for
 * investigations), and rate-limit counters whose window ended.
 * <p>
 * A large database holds millions of such rows, so each table is cleaned in batches, one short transaction
 * each, rather than in one transaction that would hold its locks and its snapshot for minutes. Every replica
 * runs the job; {@code SKIP LOCKED} lets replicas share the work and never wait for each other or for a
 * rotation that holds a row.
 */
@ApplicationScoped
public class ExpiredDataCleanup {

    private static final Logger LOG = Logger.getLogger(ExpiredDataCleanup.class);

    /** One batch of one table: the rows matching the condition ($1 is the cutoff), at most $2 of them. */
    private static final String DELETE_BATCH = """
            DELETE FROM %1$s WHERE id IN (SELECT id FROM %1$s WHERE %2$s LIMIT $2 FOR UPDATE SKIP LOCKED)""";

    private final Pool pool;
    private final Duration retention;
    private final int batchSize;

    public ExpiredDataCleanup(Pool pool,
            @ConfigProperty(name = "keyturn.cleanup.retention", defaultValue = "P1D") Duration retention,
            @ConfigProperty(name = "keyturn.cleanup.batch-size", defaultValue = "5000") int batchSize) {
        this.pool = pool;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    @Scheduled(every = "${keyturn.cleanup.interval:1h}", delayed = "${keyturn.cleanup.delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(deleted -> LOG.infof("cleanup deleted %s", deleted)).onFailure()
                .invoke(failure -> LOG.warnf("cleanup failed: %s", failure.getMessage())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** What one run deleted. */
    public record Deleted(long refreshTokens, long sessions, long verificationCodes, long passwordResets,
            long rateLimitCounters) {
    }

    public Uni<Deleted> run() {
        OffsetDateTime cutoff = Instant.now().minus(retention).atOffset(ZoneOffset.UTC);
        // Tokens first: a session whose current token expired loses it here (ON DELETE SET NULL) and goes next.
        return deleteAll("refresh_tokens", "expires_at < $1", cutoff)
                .chain(tokens -> deleteAll("sessions", "expires_at < $1 OR revoked_at < $1 OR current_token_id IS NULL", cutoff)
                        .chain(sessions -> deleteAll("verification_codes", "expires_at < $1 OR consumed_at < $1", cutoff)
                                .chain(codes -> deleteAll("password_resets", "expires_at < $1 OR used_at < $1", cutoff)
                                        .chain(resets -> deleteEndedRateLimitWindows()
                                                .map(counters -> new Deleted(tokens, sessions, codes, resets, counters))))));
    }

    /** Batch after batch until one comes back short: the table holds no more such rows (or others hold them). */
    private Uni<Long> deleteAll(String table, String condition, OffsetDateTime cutoff) {
        return deleteFrom(DELETE_BATCH.formatted(table, condition), Tuple.of(cutoff, batchSize), 0);
    }

    private Uni<Long> deleteFrom(String sql, Tuple parameters, long deletedSoFar) {
        return pool.withTransaction(connection -> connection.preparedQuery(sql).execute(parameters))
                .chain(rows -> {
                    long deleted = deletedSoFar + rows.rowCount();
                    return rows.rowCount() < batchSize ? Uni.createFrom().item(deleted) : deleteFrom(sql, parameters, deleted);
                });
    }

    /** Counters whose window is over count nothing any more (the next hit starts a new window anyway). */
    private Uni<Long> deleteEndedRateLimitWindows() {
        return pool.query("DELETE FROM rate_limits WHERE window_start + window_seconds * interval '1 second' < now()")
                .execute()
                .map(rows -> (long) rows.rowCount());
    }
}
