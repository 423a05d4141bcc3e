package dev.keyturn.db;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes what can no longer be used: expired refresh tokens, sessions past their cap, revoked, or idle for
 * longer than their last refresh token lived, used or expired codes and reset tokens, once they are older than
 * the retention (kept a while for investigations), rate-limit counters whose window ended, audit events older
 * than {@code KEYTURN_AUDIT_RETENTION}, login addresses an account has not used for longer than they are
 * remembered, second-factor challenges that ended and TOTP factors never confirmed, webhook messages and delivery-log
 * entries older than {@code KEYTURN_WEBHOOK_RETENTION}, ended {@code login.failed_burst} windows, and the session
 * tombstones of deleted accounts.
 * <p>
 * A large database holds millions of such rows, so the work goes in batches, one short statement each, never in
 * one transaction that would hold its locks and its snapshot for minutes. Every replica runs the job; the batches
 * of tokens, codes and resets skip rows that another replica holds, and the session walk deletes only sessions that
 * can no longer be refreshed, so no request waits for the cleanup.
 */
@ApplicationScoped
public class ExpiredDataCleanup {

    private static final Logger LOG = Logger.getLogger(ExpiredDataCleanup.class);

    /** Expired refresh tokens ($1 the cutoff): found through refresh_tokens_expires_at_idx. */
    private static final String DELETE_EXPIRED_TOKENS = batchDelete("refresh_tokens", "expires_at < $1");

    /**
     * The ended sessions among the next $3 sessions after id $2, in id order: a walk through the table by primary
     * key, so that each run reads every session once. Ended means past the cap, revoked, or without a current
     * token that outlives the cutoff (its current token expired, or went with the expired tokens); none of those
     * can be refreshed any more, so no rotation can be changing the row. Deleting a session deletes its tokens.
     */
    private static final String DELETE_ENDED_SESSIONS = """
            WITH chunk AS (
                SELECT id FROM sessions WHERE id > $2 ORDER BY id LIMIT $3
            ), deleted AS (
                DELETE FROM sessions s USING chunk
                 WHERE s.id = chunk.id
                   AND (s.expires_at < $1 OR s.revoked_at < $1
                        OR NOT EXISTS (SELECT 1 FROM refresh_tokens t
                                        WHERE t.id = s.current_token_id AND t.expires_at >= $1))
                RETURNING s.id
            )
            SELECT (SELECT id FROM chunk ORDER BY id DESC LIMIT 1) AS last_id, (SELECT count(*) FROM deleted) AS deleted""";

    private static final String DELETE_USED_CODES = batchDelete("verification_codes", "expires_at < $1 OR consumed_at < $1");

    private static final String DELETE_USED_RESETS = batchDelete("password_resets", "expires_at < $1 OR used_at < $1");

    /** Audit events older than their retention ($1): found through audit_events_occurred_at_idx. */
    private static final String DELETE_OLD_AUDIT_EVENTS = batchDelete("audit_events", "occurred_at < $1");

    /** Known login addresses not seen since $1 (the table has no id: rows are named by their ctid). */
    private static final String DELETE_FORGOTTEN_ADDRESSES = "DELETE FROM login_known_addresses WHERE ctid IN (SELECT ctid"
            + " FROM login_known_addresses WHERE last_seen < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";

    /**
     * Client assertions' ids (private_key_jwt) kept against replay: once an assertion has expired it is refused for
     * that alone, so its id can go at once. $1 is now.
     */
    private static final String DELETE_EXPIRED_ASSERTIONS = "DELETE FROM oauth_client_assertions WHERE ctid IN (SELECT"
            + " ctid FROM oauth_client_assertions WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";

    /** Second-factor challenges (mfa_token, WebAuthn) past their few minutes, or used, before the cutoff ($1). */
    private static final String DELETE_ENDED_CHALLENGES = batchDelete("mfa_challenges", "expires_at < $1 OR used_at < $1");

    /** TOTP factors never confirmed (good for 15 minutes), made before the cutoff ($1). */
    private static final String DELETE_UNCONFIRMED_FACTORS = batchDelete("mfa_factors",
            "confirmed_at IS NULL AND created_at < $1");

    /**
     * Webhook messages ($1 the retention's cutoff, $3 that cutoff less the retry period): delivered or failed ones
     * finished before the cutoff, and any older than the retry period and the retention together (held for an endpoint
     * that stayed disabled, or left by one deleted while they were written).
     */
    private static final String DELETE_OLD_WEBHOOK_MESSAGES = "DELETE FROM webhook_messages WHERE id IN (SELECT id"
            + " FROM webhook_messages WHERE (status <> 'pending' AND finished_at < $1) OR created_at < $3"
            + " LIMIT $2 FOR UPDATE SKIP LOCKED)";

    /** The delivery log's attempts before the retention's cutoff ($1). */
    private static final String DELETE_OLD_WEBHOOK_DELIVERIES = batchDelete("webhook_deliveries", "attempted_at < $1");

    /** Failed-login counters of login.failed_burst whose window ended before $1 (the table has no id). */
    private static final String DELETE_ENDED_LOGIN_FAILURE_WINDOWS = "DELETE FROM webhook_login_failures WHERE user_id IN"
            + " (SELECT user_id FROM webhook_login_failures WHERE window_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)";

    /** Tombstones of deleted accounts' sessions, kept until their access tokens expired and then the retention. */
    private static final String DELETE_OLD_SESSION_TOMBSTONES = batchDelete("session_tombstones", "revoked_at < $1");

    private static final UUID FIRST_ID = new UUID(0, 0);

    private final Pool pool;
    private final Duration retention;
    private final Duration auditRetention;
    private final Duration knownAddressLifetime;
    private final int batchSize;
    private final Duration webhookRetention;
    private final Duration webhookRetryPeriod;
    private final Duration failedLoginWindow;

    public ExpiredDataCleanup(Pool pool,
            @ConfigProperty(name = "keyturn.cleanup.retention") Duration retention,
            @ConfigProperty(name = "keyturn.audit.retention") Duration auditRetention,
            @ConfigProperty(name = "keyturn.rate-limits.login-known-address-lifetime")
            Duration knownAddressLifetime,
            @ConfigProperty(name = "keyturn.cleanup.batch-size") int batchSize,
            @ConfigProperty(name = "keyturn.webhooks.retention") Duration webhookRetention,
            @ConfigProperty(name = "keyturn.webhooks.retry-period") Duration webhookRetryPeriod,
            @ConfigProperty(name = "keyturn.webhooks.failed-login-window") Duration failedLoginWindow) {
        this.pool = pool;
        this.retention = retention;
        this.auditRetention = auditRetention;
        this.knownAddressLifetime = knownAddressLifetime;
        this.batchSize = batchSize;
        this.webhookRetention = webhookRetention;
        this.webhookRetryPeriod = webhookRetryPeriod;
        this.failedLoginWindow = failedLoginWindow;
    }

    @Scheduled(every = "${keyturn.cleanup.interval}", delayed = "${keyturn.cleanup.delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(deleted -> LOG.infof("cleanup deleted %s", deleted)).onFailure()
                .invoke(failure -> LOG.warnf("cleanup failed: %s", failure.getMessage())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** What one run deleted, table by table (sessions: with the tokens they still had), in the order it ran. */
    public record Deleted(Map<String, Long> rows) {
    }

    /** One kind of row the job deletes, and how. */
    private record Step(String rows, Supplier<Uni<Long>> delete) {
    }

    public Uni<Deleted> run() {
        Instant start = Instant.now();
        OffsetDateTime cutoff = start.minus(retention).atOffset(ZoneOffset.UTC);
        OffsetDateTime auditCutoff = start.minus(auditRetention).atOffset(ZoneOffset.UTC);
        OffsetDateTime addressCutoff = start.minus(knownAddressLifetime).atOffset(ZoneOffset.UTC);
        OffsetDateTime now = start.atOffset(ZoneOffset.UTC);
        OffsetDateTime webhooksKept = start.minus(webhookRetention).atOffset(ZoneOffset.UTC);
        OffsetDateTime webhooksStale = start.minus(webhookRetention).minus(webhookRetryPeriod).atOffset(ZoneOffset.UTC);
        OffsetDateTime failedLoginWindowEnded = start.minus(failedLoginWindow).atOffset(ZoneOffset.UTC);
        // Tokens first: a session whose current token expired has lost it when the sessions are walked.
        List<Step> steps = List.of(
                new Step("refresh_tokens", () -> deleteInBatches(DELETE_EXPIRED_TOKENS, cutoff, 0)),
                new Step("sessions", () -> deleteEndedSessions(cutoff, FIRST_ID, 0)),
                new Step("verification_codes", () -> deleteInBatches(DELETE_USED_CODES, cutoff, 0)),
                new Step("password_resets", () -> deleteInBatches(DELETE_USED_RESETS, cutoff, 0)),
                new Step("rate_limits", this::deleteEndedRateLimitWindows),
                new Step("audit_events", () -> deleteInBatches(DELETE_OLD_AUDIT_EVENTS, auditCutoff, 0)),
                new Step("login_known_addresses", () -> deleteInBatches(DELETE_FORGOTTEN_ADDRESSES, addressCutoff, 0)),
                new Step("oauth_client_assertions", () -> deleteInBatches(DELETE_EXPIRED_ASSERTIONS, now, 0)),
                new Step("mfa_challenges", () -> deleteInBatches(DELETE_ENDED_CHALLENGES, cutoff, 0)),
                new Step("mfa_factors", () -> deleteInBatches(DELETE_UNCONFIRMED_FACTORS, cutoff, 0)),
                new Step("webhook_messages", () -> deleteInBatches(DELETE_OLD_WEBHOOK_MESSAGES,
                        Tuple.of(webhooksKept, batchSize, webhooksStale), 0)),
                new Step("webhook_deliveries", () -> deleteInBatches(DELETE_OLD_WEBHOOK_DELIVERIES, webhooksKept, 0)),
                new Step("webhook_login_failures", () -> deleteInBatches(DELETE_ENDED_LOGIN_FAILURE_WINDOWS,
                        failedLoginWindowEnded, 0)),
                new Step("session_tombstones", () -> deleteInBatches(DELETE_OLD_SESSION_TOMBSTONES, cutoff, 0)));
        Map<String, Long> deleted = new LinkedHashMap<>();
        Uni<Void> run = Uni.createFrom().voidItem();
        for (Step step : steps) {
            run = run.chain(() -> step.delete().get().invoke(rows -> deleted.put(step.rows(), rows))).replaceWithVoid();
        }
        return run.map(ignored -> new Deleted(Collections.unmodifiableMap(deleted)));
    }

    /** At most $2 rows of the table that match the condition, skipping rows another transaction holds. */
    private static String batchDelete(String table, String condition) {
        return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE " + condition
                + " LIMIT $2 FOR UPDATE SKIP LOCKED)";
    }

    /** Batch after batch until one comes back short: no more such rows (or others hold them). */
    private Uni<Long> deleteInBatches(String sql, OffsetDateTime cutoff, long deletedSoFar) {
        return deleteInBatches(sql, Tuple.of(cutoff, batchSize), deletedSoFar);
    }

    /** The same with more parameters; $2 is the batch size. */
    private Uni<Long> deleteInBatches(String sql, Tuple parameters, long deletedSoFar) {
        return pool.preparedQuery(sql).execute(parameters).chain(rows -> {
            long deleted = deletedSoFar + rows.rowCount();
            return rows.rowCount() < batchSize ? Uni.createFrom().item(deleted) : deleteInBatches(sql, parameters, deleted);
        });
    }

    private Uni<Long> deleteEndedSessions(OffsetDateTime cutoff, UUID after, long deletedSoFar) {
        return pool.preparedQuery(DELETE_ENDED_SESSIONS).execute(Tuple.of(cutoff, after, batchSize)).chain(rows -> {
            Row row = rows.iterator().next();
            UUID lastId = row.getUUID("last_id");
            long deleted = deletedSoFar + row.getLong("deleted");
            return lastId == null ? Uni.createFrom().item(deleted) : deleteEndedSessions(cutoff, lastId, deleted);
        });
    }

    /** Counters whose window is over count nothing any more (the next hit starts a new window anyway). */
    private Uni<Long> deleteEndedRateLimitWindows() {
        return pool.query("DELETE FROM rate_limits WHERE window_start + window_seconds * interval '1 second' < now()")
                .execute()
                .map(rows -> (long) rows.rowCount());
    }
}
