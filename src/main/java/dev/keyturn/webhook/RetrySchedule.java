package dev.keyturn.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a failed message is tried again: exponential backoff with jitter, for {@code retry-period} after the event.
 * The n-th retry waits between half and all of {@code base × 2^(n-1)}, capped at {@code max} ("equal jitter"), so that
 * the messages of an endpoint that was down do not all come back at the same instant. With the defaults (5 s, 1 h,
 * 1 day) that is about 25 attempts in the day. Pure, so that its tests need no clock or server.
 */
record RetrySchedule(Duration base, Duration max, Duration period) {

    RetrySchedule {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || period.isNegative()) {
            throw new IllegalArgumentException("KEYTURN_WEBHOOK_RETRY_BASE_DELAY must be positive, "
                    + "KEYTURN_WEBHOOK_RETRY_MAX_DELAY at least as long, KEYTURN_WEBHOOK_RETRY_PERIOD not negative");
        }
    }

    /** The delay before the next attempt after {@code attempts} attempts failed (attempts ≥ 1). */
    Duration delay(int attempts, RandomGenerator random) {
        long ceiling = max.toMillis();
        long exponential = base.toMillis();
        for (int i = 1; i < attempts && exponential < ceiling; i++) {
            exponential *= 2;
        }
        long full = Math.min(exponential, ceiling);
        long half = full / 2;
        return Duration.ofMillis(half + random.nextLong(full - half + 1));
    }

    /** When to try next, or {@code null} when that would be past the retry period: the message has failed. */
    Instant next(Instant eventTime, int attempts, Instant now, RandomGenerator random) {
        Instant next = now.plus(delay(attempts, random));
        return next.isAfter(eventTime.plus(period)) ? null : next;
    }
}
