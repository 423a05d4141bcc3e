package dev.keyturn.token;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The ids of revoked sessions whose access tokens may still be unexpired, kept in memory so that
 * verifying an access token takes no database read. An entry lives as long as the longest access token
 * of its session could (lifetime plus clock skew), which bounds the map.
 */
@ApplicationScoped
public class RevokedSessions {

    private final Map<String, Long> revokedUntil = new ConcurrentHashMap<>();
    private final long retentionMillis;

    public RevokedSessions(TokenConfig config) {
        Duration retention = config.accessTokenLifetime().plus(config.clockSkew()).plusSeconds(5);
        this.retentionMillis = retention.toMillis();
    }

    public boolean isRevoked(String sessionId) {
        Long until = revokedUntil.get(sessionId);
        return until != null && until > System.currentTimeMillis();
    }

    /** @param revokedAtMillis when the session was revoked (an older revocation expires sooner) */
    public void add(String sessionId, long revokedAtMillis) {
        long until = revokedAtMillis + retentionMillis;
        if (until > System.currentTimeMillis()) {
            revokedUntil.merge(sessionId, until, Math::max);
        }
    }

    public void add(String sessionId) {
        add(sessionId, System.currentTimeMillis());
    }

    /** How far back a revocation can still matter; used when reloading revocations from the database. */
    public Duration retention() {
        return Duration.ofMillis(retentionMillis);
    }

    public void evictExpired() {
        long now = System.currentTimeMillis();
        revokedUntil.values().removeIf(until -> until <= now);
    }

    public int size() {
        return revokedUntil.size();
    }
}
