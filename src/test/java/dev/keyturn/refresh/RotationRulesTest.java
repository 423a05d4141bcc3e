package dev.keyturn.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyturn.refresh.RotationRules.StoredToken;
import dev.keyturn.refresh.RotationRules.Verdict;
import dev.keyturn.refresh.RotationRules.Window;

/** The rotation rules alone, without a database: one test per rule. */
class RotationRulesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final byte[] PARENT = {1};
    private static final byte[] CURRENT = {2};
    private static final byte[] CHILD_OF_CURRENT = {3};
    private static final byte[] OTHER = {4};

    private static final StoredToken USED_PARENT = new StoredToken(PARENT, null, NOW.minusSeconds(5));
    private static final StoredToken CURRENT_TOKEN = new StoredToken(CURRENT, UUID.randomUUID(), null);

    @Test
    void theCurrentTokenRotates() {
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, CURRENT, CHILD_OF_CURRENT, null, NOW, GRACE))
                .isEqualTo(Verdict.CURRENT);
    }

    @Test
    void theParentWithinTheGraceWindowGetsTheCurrentTokenAgain() {
        assertThat(RotationRules.needsParent(CURRENT_TOKEN, PARENT, CURRENT, GRACE)).isTrue();
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, PARENT, CURRENT, USED_PARENT, NOW, GRACE))
                .isEqualTo(Verdict.GRACE);
    }

    @Test
    void theParentAfterTheGraceWindowIsAReplay() {
        StoredToken usedLongAgo = new StoredToken(PARENT, null, NOW.minus(GRACE).minusSeconds(1));
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, PARENT, CURRENT, usedLongAgo, NOW, GRACE))
                .isEqualTo(Verdict.REUSE);
    }

    @Test
    void theParentAtTheEndOfTheGraceWindowStillCounts() {
        StoredToken usedJustInTime = new StoredToken(PARENT, null, NOW.minus(GRACE));
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, PARENT, CURRENT, usedJustInTime, NOW, GRACE))
                .isEqualTo(Verdict.GRACE);
    }

    @Test
    void withoutAGraceWindowTheParentIsAReplay() {
        assertThat(RotationRules.needsParent(CURRENT_TOKEN, PARENT, CURRENT, Duration.ZERO)).isFalse();
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, PARENT, CURRENT, USED_PARENT, NOW, Duration.ZERO))
                .isEqualTo(Verdict.REUSE);
    }

    @Test
    void anOlderAncestorIsAReplay() {
        // its child is not the current token, so the parent row is not even read
        assertThat(RotationRules.needsParent(CURRENT_TOKEN, OTHER, PARENT, GRACE)).isFalse();
        assertThat(RotationRules.decide(true, CURRENT_TOKEN, OTHER, PARENT, null, NOW, GRACE)).isEqualTo(Verdict.REUSE);
    }

    @Test
    void aTokenOfAnEndedSessionIsExpired() {
        assertThat(RotationRules.decide(false, CURRENT_TOKEN, CURRENT, CHILD_OF_CURRENT, null, NOW, GRACE))
                .isEqualTo(Verdict.EXPIRED);
        assertThat(RotationRules.decide(true, null, CURRENT, CHILD_OF_CURRENT, null, NOW, GRACE))
                .isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void theFirstRefreshOpensAWindow() {
        assertThat(RotationRules.count(new Window(null, 0), NOW, Duration.ofMinutes(1))).isEqualTo(new Window(NOW, 1));
    }

    @Test
    void refreshesInsideTheWindowAreCounted() {
        Window before = new Window(NOW.minusSeconds(30), 3);
        assertThat(RotationRules.count(before, NOW, Duration.ofMinutes(1))).isEqualTo(new Window(before.start(), 4));
    }

    @Test
    void aWindowEndsAfterItsLengthAndANewOneOpens() {
        Window before = new Window(NOW.minusSeconds(60), 9);
        assertThat(RotationRules.count(before, NOW, Duration.ofMinutes(1))).isEqualTo(new Window(NOW, 1));
    }

    @Test
    void overTheLimitIsMoreThanMaxRefreshesInOneWindow() {
        assertThat(RotationRules.overLimit(new Window(NOW, 5), 5)).isFalse();
        assertThat(RotationRules.overLimit(new Window(NOW, 6), 5)).isTrue();
        assertThat(RotationRules.overLimit(new Window(NOW, 1000), 0)).as("max 0: no limit").isFalse();
    }

    @Test
    void retryAfterIsUntilTheWindowEnds() {
        Window window = new Window(NOW.minusSeconds(45), 6);
        assertThat(RotationRules.retryAfterSeconds(window, NOW, Duration.ofMinutes(1))).isEqualTo(16);
    }
}
