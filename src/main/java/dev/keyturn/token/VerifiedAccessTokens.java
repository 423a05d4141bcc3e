package dev.keyturn.token;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Access tokens that passed every rule of {@link AccessTokenParser} lately, by their exact text. A client sends the
 * same access token with each request for its whole life, so its signature and JSON need checking only once; that
 * check is most of the CPU of a protected request (an RS256 verify and the claims parse).
 * <p>
 * A hit is only as good as the time-dependent rules still allow: it expires where the parser's {@code exp} and
 * {@code iat} checks would (with the same clock skew), and after a minute in any case. The session revocation check
 * is not cached: the parser makes it on every request. Only accepted tokens are kept, so invalid tokens cannot fill
 * it, and the size is bounded.
 */
final class VerifiedAccessTokens {

    /** An accepted token and its {@code sid}. */
    record Verified(JsonWebToken token, String sessionId) {
    }

    /** And the epoch second from which the parser would reject it for its age. */
    private record Entry(Verified verified, long rejectedFrom) {
    }

    private final Cache<String, Entry> cache;
    private final long skewSeconds;
    private final long maxAgeSeconds;
    private final LongSupplier epochSeconds;

    VerifiedAccessTokens(int maximumSize, long skewSeconds, long maxAgeSeconds, LongSupplier epochSeconds) {
        this.cache = maximumSize > 0
                ? Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(Duration.ofMinutes(1)).build()
                : null;
        this.skewSeconds = skewSeconds;
        this.maxAgeSeconds = maxAgeSeconds;
        this.epochSeconds = epochSeconds;
    }

    /** A token the parser has just accepted, with its {@code sid}, {@code exp} and {@code iat}. */
    void remember(String raw, Verified verified, long expiresAt, long issuedAt) {
        if (cache != null) {
            cache.put(raw, new Entry(verified, Math.min(expiresAt + skewSeconds, issuedAt + maxAgeSeconds)));
        }
    }

    /** @return the accepted token, or {@code null} when it must be verified (again) */
    Verified find(String raw) {
        Entry entry = cache == null ? null : cache.getIfPresent(raw);
        if (entry == null) {
            return null;
        }
        if (epochSeconds.getAsLong() >= entry.rejectedFrom()) {
            cache.invalidate(raw);
            return null;
        }
        return entry.verified();
    }
}
