package dev.keyturn.refresh;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Refreshes by outcome, {@value #NAME} (Prometheus {@code keyturn_refreshes_total{outcome}}), of both doors
 * ({@code /auth/refresh} and the token endpoint's refresh_token grant). Counted in memory: the one-statement fast path
 * stays one round trip. {@code reuse_detected} is the theft signal the alert rules watch.
 */
@ApplicationScoped
@Startup
public class RefreshMetrics {

    static final String NAME = "keyturn.refreshes";

    enum Outcome {
        /** the current token rotated (fast path or locked path) */
        ROTATED,
        /** the parent within the grace window got the current token again */
        GRACE,
        /** an older token was presented: the session was revoked */
        REUSE_DETECTED,
        /** invalid, expired, revoked, another client's, or a disabled account's */
        INVALID,
        RATE_LIMITED,
        /** the database unavailable or an unexpected failure */
        ERROR;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    public RefreshMetrics(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder(NAME).description("Refresh-token presentations by outcome")
                    .tag("outcome", outcome.tag()).register(registry));
        }
    }

    void count(Outcome outcome) {
        counters.get(outcome).increment();
    }

    void countFailure(Throwable failure) {
        ErrorCode code = failure instanceof ProblemException problem ? problem.code() : ErrorCode.INTERNAL_ERROR;
        count(switch (code) {
            case INVALID_REFRESH_TOKEN -> Outcome.INVALID;
            case RATE_LIMITED -> Outcome.RATE_LIMITED;
            default -> Outcome.ERROR;
        });
    }
}
