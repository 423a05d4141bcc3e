package dev.keyturn.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The rules of refresh-token rotation, written once and free of I/O, so that each can be read and tested alone.
 * The locked path ({@link RefreshRotation}) and introspection decide with {@link #decide}; the one-statement path
 * ({@link FastRotation}) can only ever take the first rule (the current token, under the limit) and leaves every
 * other case to the locked path, and it opens a new limit window by the same {@link #windowCutoff}.
 */
public final class RotationRules {

    private RotationRules() {
    }

    /** What a presented refresh token is to its session. */
    public enum Verdict {
        /** the session's current token: it rotates */
        CURRENT,
        /** the immediate parent of the current token, within the grace window: the current token is sent again */
        GRACE,
        /** any other token of a live session: a replay, which revokes the session */
        REUSE,
        /** the session is unknown, another user's, expired, revoked, or has no current token */
        EXPIRED
    }

    /** A stored refresh token as the rules see it. */
    public record StoredToken(byte[] hash, UUID parentId, Instant usedAt) {
    }

    /**
     * @param sessionLive the session exists, is the token's user's, is neither expired nor revoked, and has a
     *        current token
     * @param current the session's current token; {@code null} when it is missing
     * @param parent the current token's parent, loaded only when {@link #needsParent} says so; else {@code null}
     */
    public static Verdict decide(boolean sessionLive, StoredToken current, byte[] presentedHash, byte[] presentedChildHash,
            StoredToken parent, Instant now, Duration grace) {
        if (!sessionLive || current == null) {
            return Verdict.EXPIRED;
        }
        if (Arrays.equals(current.hash(), presentedHash)) {
            return Verdict.CURRENT;
        }
        return isGraceParent(current, presentedHash, presentedChildHash, parent, now, grace) ? Verdict.GRACE : Verdict.REUSE;
    }

    /**
     * Whether the presented token can be the current token's parent, so that the parent row is worth loading: the
     * grace window is on, and the current token is the presented one's child (children are derived from their parent's
     * identity, see {@link RefreshTokens#childId}).
     */
    public static boolean needsParent(StoredToken current, byte[] presentedHash, byte[] presentedChildHash, Duration grace) {
        return current != null && !Arrays.equals(current.hash(), presentedHash)
                && !grace.isZero() && !grace.isNegative() && current.parentId() != null
                && Arrays.equals(current.hash(), presentedChildHash);
    }

    private static boolean isGraceParent(StoredToken current, byte[] presentedHash, byte[] presentedChildHash,
            StoredToken parent, Instant now, Duration grace) {
        return needsParent(current, presentedHash, presentedChildHash, grace)
                && parent != null
                && Arrays.equals(parent.hash(), presentedHash)
                && parent.usedAt() != null
                && !now.isAfter(parent.usedAt().plus(grace));
    }

    /** Refreshes counted per session in fixed windows. */
    public record Window(Instant start, int count) {
    }

    /** A window that started at or before this instant is over, and the next refresh opens a new one. */
    public static Instant windowCutoff(Instant now, Duration window) {
        return now.minus(window);
    }

    /** The window after one more refresh at {@code now}. */
    public static Window count(Window before, Instant now, Duration window) {
        if (before.start() == null || !before.start().isAfter(windowCutoff(now, window))) {
            return new Window(now, 1);
        }
        return new Window(before.start(), before.count() + 1);
    }

    /** @return whether the window holds more refreshes than the limit allows ({@code max} 0 or less: no limit) */
    public static boolean overLimit(Window window, int max) {
        return max > 0 && window.count() > max;
    }

    /** Seconds until the window ends, at least 1, for Retry-After. */
    public static long retryAfterSeconds(Window window, Instant now, Duration length) {
        return Math.max(1, Duration.between(now, window.start().plus(length)).toSeconds() + 1);
    }
}
