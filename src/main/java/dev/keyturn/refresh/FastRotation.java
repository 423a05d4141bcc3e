package dev.keyturn.refresh;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.ratelimit.Limit;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenSubject;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The common case of a refresh — the session's current token, presented once — in one SQL statement and
 * one database round trip, on the reactive client directly.
 * <p>
 * The statement claims the token ({@code used_at IS NULL} turns to now) only if it is its live session's
 * current token and the user is enabled; in the same statement it inserts the child and points the
 * session at it. PostgreSQL's row lock on the claimed token serialises concurrent presenters: exactly one
 * claims it, the others find it used and take the locked path in {@link RefreshRotation} (grace window or
 * reuse), which then sees the committed child.
 * <p>
 * A session belongs to the client that started it ({@code sessions.client_id}, null for {@code /auth/login}): the
 * statement claims nothing for another client, and the locked path refuses the token.
 * <p>
 * The per-session refresh limit is counted on the session row in the same statement; a session over its
 * limit is not claimed here, and the locked path answers 429.
 */
@ApplicationScoped
public class FastRotation {

    private static final String ROTATE = """
            WITH claimed AS (
                UPDATE refresh_tokens t SET used_at = $1
                  FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE t.token_hash = $2 AND t.used_at IS NULL AND t.session_id = $3
                   AND s.id = $3 AND s.current_token_id = t.id AND s.user_id = $4
                   AND s.revoked_at IS NULL AND s.expires_at > $1 AND NOT u.disabled
                   AND ($12 = 0 OR s.refresh_window_start IS NULL OR s.refresh_window_start <= $11
                        OR s.refresh_count < $12)
                   AND s.client_id IS NOT DISTINCT FROM $13
             RETURNING t.id AS token_id, s.expires_at AS session_expires_at, s.scope, s.amr, s.auth_time,
                       s.created_at AS session_created_at, u.username, u.email, u.email_verified, u.roles
            ), child AS (
                INSERT INTO refresh_tokens (id, session_id, parent_id, token_hash, issued_at, expires_at)
                SELECT $5, $3, token_id, $6, $7, LEAST($8, session_expires_at) FROM claimed
             RETURNING expires_at
            ), moved AS (
                UPDATE sessions SET current_token_id = $5, last_used_at = $7, ip = $9, user_agent = $10,
                       refresh_count = CASE WHEN refresh_window_start IS NULL OR refresh_window_start <= $11
                                            THEN 1 ELSE refresh_count + 1 END,
                       refresh_window_start = CASE WHEN refresh_window_start IS NULL OR refresh_window_start <= $11
                                                   THEN $1 ELSE refresh_window_start END
                 WHERE id = $3 AND EXISTS (SELECT 1 FROM claimed)
            )
            SELECT claimed.username, claimed.email, claimed.email_verified, claimed.roles, claimed.scope, claimed.amr,
                   claimed.auth_time, claimed.session_created_at, child.expires_at
              FROM claimed CROSS JOIN child
            """;

    private final Pool pool;
    private final RefreshTokens refreshTokens;
    private final RateLimits rateLimits;

    public FastRotation(Pool pool, RefreshTokens refreshTokens, RateLimits rateLimits) {
        this.pool = pool;
        this.rateLimits = rateLimits;
        this.refreshTokens = refreshTokens;
    }

    /** A rotated current token: who it belongs to, how they authenticated, the scope its session holds, its child. */
    record Rotated(TokenSubject subject, Authentication authentication, UUID sessionId, String sessionScope,
            String childJti, Instant childIssuedAt, Instant childExpiresAt) {
    }

    /**
     * @return the rotation, or {@code null} when the token is not the unused current token of a live session of
     *         {@code issuedFor}'s client
     */
    Uni<Rotated> rotate(RefreshTokens.Claims presented, IssuedFor issuedFor, ClientInfo client) {
        Instant now = Instant.now();
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        String childJti = refreshTokens.childId(presented.jti());
        Tuple parameters = Tuple.tuple(List.of(
                now.atOffset(ZoneOffset.UTC),
                Buffer.buffer(RefreshTokens.hash(presented.jti())),
                presented.sessionId(),
                presented.userId(),
                UUID.randomUUID(),
                Buffer.buffer(RefreshTokens.hash(childJti)),
                issuedAt.atOffset(ZoneOffset.UTC),
                issuedAt.plus(issuedFor.refreshTokenLifetime()).atOffset(ZoneOffset.UTC)));
        Limit limit = rateLimits.refreshPerSession();
        parameters.addValue(client.ip()).addValue(client.userAgent())
                .addValue(RotationRules.windowCutoff(now, limit.window()).atOffset(ZoneOffset.UTC))
                .addValue(limit.enabled() ? limit.max() : 0)
                .addValue(issuedFor.clientId());
        return pool.preparedQuery(ROTATE).execute(parameters).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            if (!iterator.hasNext()) {
                return null;
            }
            Row row = iterator.next();
            TokenSubject subject = new TokenSubject(presented.userId(), row.getString("username"), row.getString("email"),
                    row.getBoolean("email_verified"), List.of(row.getArrayOfStrings("roles")));
            String[] amr = row.getArrayOfStrings("amr");
            OffsetDateTime authTime = row.getOffsetDateTime("auth_time");
            Authentication authentication = Authentication.stored(amr == null ? null : List.of(amr),
                    authTime == null ? null : authTime.toInstant(),
                    row.getOffsetDateTime("session_created_at").toInstant());
            return new Rotated(subject, authentication, presented.sessionId(), row.getString("scope"), childJti, issuedAt,
                    row.getOffsetDateTime("expires_at").toInstant());
        });
    }
}
