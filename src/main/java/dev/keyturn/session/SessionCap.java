package dev.keyturn.session;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditType;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * At most {@code KEYTURN_MAX_SESSIONS_PER_USER} live sessions per user: after a login has committed, the user's live
 * sessions beyond the newest N are revoked ({@link RevocationReason#SESSION_LIMIT}), each with a {@code session_evicted} audit event
 * and a NOTIFY to the other replicas, all in ONE autocommit statement.
 * <p>
 * Why after the commit and without locks: every login runs this statement after its own session is visible, so the
 * last of any number of concurrent logins to run it sees every committed session and leaves exactly N; and an
 * eviction only ever revokes sessions that have N newer live ones, so concurrent evictions never go below N. No
 * row of the newest N is locked (rotation keeps updating them), and no connection waits on a per-user lock.
 */
@ApplicationScoped
public class SessionCap {

    private static final Logger LOG = Logger.getLogger(SessionCap.class);
    /** NOTIFY payloads stay far below their 8000-byte limit: one id each; a user far over the cap is trimmed over several logins. */
    private static final int MOST_PER_LOGIN = 150;

    private static final String EVICT = """
            WITH evicted AS (
                UPDATE sessions s SET revoked_at = $3, revoked_reason = $4
                 WHERE s.id IN (SELECT id FROM sessions
                                 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $3
                                 ORDER BY created_at DESC, id DESC
                                OFFSET $2 LIMIT %d)
                   AND s.revoked_at IS NULL
             RETURNING s.id
            ), audited AS (
                INSERT INTO audit_events (id, occurred_at, type, user_id, session_id, ip, user_agent, detail)
                SELECT gen_random_uuid(), $3, $5, $1, id, $6, $7, jsonb_build_object('reason', $4::text, 'max_sessions', $2::int)
                  FROM evicted
            )
            SELECT id, pg_notify($8, id::text) FROM evicted
            """.formatted(MOST_PER_LOGIN);

    private final Pool pool;
    private final SessionRevocations revocations;
    private final int maxSessions;

    public SessionCap(Pool pool, SessionRevocations revocations, TokenConfig config) {
        this.pool = pool;
        this.revocations = revocations;
        this.maxSessions = config.maxSessionsPerUser();
        if (maxSessions < 0) {
            throw new IllegalArgumentException("KEYTURN_MAX_SESSIONS_PER_USER must be 0 (no cap) or more");
        }
    }

    /**
     * The statement commits on its own, so this replica rejects the evicted sessions' tokens as soon as it answers.
     *
     * @return the sessions this call revoked (empty when the user is within the cap, or when there is no cap)
     */
    public Uni<List<UUID>> enforce(UUID userId, ClientInfo client) {
        if (maxSessions == 0) {
            return Uni.createFrom().item(List.of());
        }
        Tuple parameters = Tuple.tuple(List.of(userId, maxSessions, Instant.now().atOffset(ZoneOffset.UTC), RevocationReason.SESSION_LIMIT.stored(),
                AuditType.SESSION_EVICTED.storedName()));
        parameters.addValue(client.ip()).addValue(client.userAgent()).addValue(SessionRevocations.CHANNEL);
        return pool.preparedQuery(EVICT).execute(parameters)
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        ids.add(row.getUUID(0));
                    }
                    if (!ids.isEmpty()) {
                        LOG.debugf("user %s over %d sessions: %d oldest revoked", userId, maxSessions, ids.size());
                    }
                    return ids;
                })
                // Two evictions for one user may lock the same rows in another order; PostgreSQL aborts one of them,
                // which then runs again and finds what is left.
                .onFailure(SessionCap::isDeadlock).retry().atMost(2)
                .invoke(revocations::remember);
    }

    private static boolean isDeadlock(Throwable failure) {
        return failure instanceof PgException pg && "40P01".equals(pg.getSqlState());
    }
}
