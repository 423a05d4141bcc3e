package dev.keyturn.ratelimit;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.token.KeyRing;
import dev.keyturn.web.ErrorCode;
import dev.keyturn.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Counts hits per (action, subject) in PostgreSQL, so that every replica sees the same counters, and
 * refuses with 429 {@code rate_limited} and {@code Retry-After} past a limit.
 * <p>
 * Every counter a request touches is counted by ONE statement ({@code INSERT … ON CONFLICT … DO UPDATE …
 * RETURNING}), in autocommit, before the work it protects. A window is fixed: it starts at the first hit
 * after the previous one ended, and the block it causes ends with it, however hard a client keeps trying.
 * Subjects (addresses, emails) are stored as keyed hashes only.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    private final Pool pool;
    private final KeyRing keys;

    public RateLimiter(Pool pool, KeyRing keys) {
        this.pool = pool;
        this.keys = keys;
    }

    /** One counter to bump: {@code action} names the limit, {@code subject} whom it counts (null: not counted). */
    public record Check(String action, String subject, Limit limit) {
    }

    public static Check check(String action, String subject, Limit limit) {
        return new Check(action, subject, limit);
    }

    /** Bumps every enabled counter of {@code checks} in one statement; fails with 429 if any is past its limit. */
    public Uni<Void> hit(Check... checks) {
        List<Check> counted = new ArrayList<>();
        for (Check check : checks) {
            if (check.limit().enabled() && check.subject() != null && !check.subject().isEmpty()) {
                counted.add(check);
            }
        }
        if (counted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // A fixed order of rows, so that two statements touching the same counters never deadlock.
        counted.sort(Comparator.comparing(Check::action));
        StringBuilder sql = new StringBuilder(
                "INSERT INTO rate_limits AS r (action, subject, window_start, window_seconds, hits) VALUES ");
        List<Object> parameters = new ArrayList<>();
        for (int i = 0; i < counted.size(); i++) {
            Check check = counted.get(i);
            int p = i * 3;
            sql.append(i == 0 ? "" : ", ").append("($").append(p + 1).append(", $").append(p + 2)
                    .append(", now(), $").append(p + 3).append(", 1)");
            parameters.add(check.action());
            parameters.add(subjectHash(check));
            parameters.add((int) Math.min(Integer.MAX_VALUE, check.limit().window().toSeconds()));
        }
        sql.append(" ON CONFLICT (action, subject) DO UPDATE SET")
                .append(" window_start = CASE WHEN ").append(WINDOW_OVER).append(" THEN now() ELSE r.window_start END,")
                .append(" hits = CASE WHEN ").append(WINDOW_OVER).append(" THEN 1 ELSE r.hits + 1 END,")
                .append(" window_seconds = EXCLUDED.window_seconds")
                .append(" RETURNING action, hits,")
                .append(" ceil(extract(epoch FROM window_start + window_seconds * interval '1 second' - now()))::int");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(parameters)).map(rows -> {
            long retryAfter = 0;
            for (Row row : rows) {
                String action = row.getString(0);
                int hits = row.getInteger(1);
                Limit limit = counted.stream().filter(c -> c.action().equals(action)).findFirst().orElseThrow().limit();
                if (hits > limit.max()) {
                    retryAfter = Math.max(retryAfter, Math.max(1, row.getInteger(2)));
                    LOG.debugf("rate limit %s reached (%s)", action, limit);
                }
            }
            if (retryAfter > 0) {
                throw new ProblemException(ErrorCode.RATE_LIMITED, "Too many requests. Try again later.", List.of(),
                        Map.of("Retry-After", Long.toString(retryAfter)));
            }
            return null;
        }).replaceWithVoid();
    }

    private static final String WINDOW_OVER = "r.window_start + EXCLUDED.window_seconds * interval '1 second' <= now()";

    private String subjectHash(Check check) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(keys.singleUseSecretHash("rate-limit " + check.action(), check.subject()));
    }
}
