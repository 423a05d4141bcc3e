package dev.keyturn.ratelimit;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.token.KeyRing;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Counts hits per (action, subject) in PostgreSQL, so that every replica sees the same counters, and
 * refuses with 429 {@code rate_limited} and {@code Retry-After} past a limit.
 * <p>
 * Every check is ONE round trip to the function {@code rate_limit_hit} (migration V8), in autocommit, before the
 * work it protects. It locks all the counters of the check, refuses when any is full, and only then counts the
 * request in every one of them: a refused request counts against no limit, so a client that one limit stops
 * cannot fill another limit that protects someone else (the per-account login ceiling, for one). A window is
 * fixed: it starts at the first hit after the previous one ended, and the block it causes ends with it, however
 * hard a client keeps trying. Subjects (addresses, emails) are stored as keyed hashes only.
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

    /** Counts the request in every enabled counter of {@code checks}, or in none and fails with 429 if any is full. */
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
        String[] actions = new String[counted.size()];
        String[] subjects = new String[counted.size()];
        Integer[] windows = new Integer[counted.size()];
        Integer[] maxes = new Integer[counted.size()];
        for (int i = 0; i < counted.size(); i++) {
            Check check = counted.get(i);
            actions[i] = check.action();
            subjects[i] = subjectHash(check);
            windows[i] = (int) Math.min(Integer.MAX_VALUE, check.limit().window().toSeconds());
            maxes[i] = check.limit().max();
        }
        Tuple parameters = Tuple.tuple().addArrayOfString(actions).addArrayOfString(subjects)
                .addArrayOfInteger(windows).addArrayOfInteger(maxes);
        return pool.preparedQuery(HIT).execute(parameters).map(rows -> {
            int retryAfter = rows.iterator().next().getInteger(0);
            if (retryAfter > 0) {
                LOG.debugf("rate limit reached: %s", counted.stream().map(Check::action).toList());
                throw new ProblemException(ErrorCode.RATE_LIMITED, "Too many requests. Try again later.", List.of(),
                        Map.of("Retry-After", Integer.toString(retryAfter)));
            }
            return null;
        }).replaceWithVoid();
    }

    /** 0 when counted, else the Retry-After in seconds; the counters are locked in the function in a fixed order. */
    private static final String HIT = "SELECT rate_limit_hit($1::text[], $2::text[], $3::int[], $4::int[])";

    private String subjectHash(Check check) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(keys.singleUseSecretHash("rate-limit " + check.action(), check.subject()));
    }
}
