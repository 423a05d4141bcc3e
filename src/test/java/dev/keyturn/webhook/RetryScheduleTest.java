package dev.keyturn.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The backoff of failed deliveries: doubling, capped, jittered, and over after the retry period. */
class RetryScheduleTest {

    private static final RetrySchedule DEFAULTS = new RetrySchedule(Duration.ofSeconds(5), Duration.ofHours(1),
            Duration.ofDays(1));

    @Test
    void eachRetryWaitsBetweenHalfAndAllOfTheDoubledDelayUpToTheCap() {
        Random random = new Random(42);
        for (int attempts = 1; attempts <= 40; attempts++) {
            long full = Math.min(5_000L << Math.min(attempts - 1, 20), 3_600_000L);
            for (int i = 0; i < 200; i++) {
                long delay = DEFAULTS.delay(attempts, random).toMillis();
                assertThat(delay).as("after %d attempts", attempts).isBetween(full / 2, full);
            }
        }
    }

    @Test
    void theJitterSpreadsRetriesThatFailedTogether() {
        Random random = new Random(7);
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            delays.add(DEFAULTS.delay(3, random).toMillis());
        }
        assertThat(delays).as("distinct delays of 100 messages after their third attempt").hasSizeGreaterThan(80);
    }

    @Test
    void aMessageIsTriedForTheRetryPeriodThenGivenUp() {
        Random random = new Random(1);
        Instant event = Instant.parse("2026-12-05T10:00:00Z");
        Instant now = event;
        int attempts = 1;
        Instant next;
        while ((next = DEFAULTS.next(event, attempts, now, random)) != null) {
            assertThat(next).isAfter(now).isBeforeOrEqualTo(event.plus(Duration.ofDays(1)));
            now = next;
            attempts++;
        }
        assertThat(attempts).as("attempts within a day").isBetween(20, 40);
        assertThat(now).isAfter(event.plus(Duration.ofHours(22)));
    }

    @Test
    void nonsenseSettingsAreRefusedAtStart() {
        assertThatThrownBy(() -> new RetrySchedule(Duration.ZERO, Duration.ofHours(1), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEYTURN_WEBHOOK_RETRY_BASE_DELAY");
        assertThatThrownBy(() -> new RetrySchedule(Duration.ofHours(2), Duration.ofHours(1), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
