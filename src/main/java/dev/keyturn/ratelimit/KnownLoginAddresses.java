package dev.keyturn.ratelimit;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.token.KeyRing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The client addresses each account logged in from successfully, within {@code login-known-address-lifetime}
 * (table login_known_addresses, migration V8; addresses as keyed hashes only). {@link RateLimits#login} leaves the
 * per-account ceiling out for these: a third party guessing from elsewhere fills the ceiling of the addresses he
 * uses, never of the owner's usual ones.
 */
@ApplicationScoped
public class KnownLoginAddresses {

    private static final String KNOWN = "SELECT EXISTS (SELECT 1 FROM login_known_addresses"
            + " WHERE user_id = $1 AND ip_hash = $2 AND last_seen > now() - $3 * interval '1 second')";

    private static final String REMEMBER = "INSERT INTO login_known_addresses (user_id, ip_hash, last_seen)"
            + " VALUES (:user, :ip, now()) ON CONFLICT (user_id, ip_hash) DO UPDATE SET last_seen = now()";

    private final Pool pool;
    private final KeyRing keys;
    private final long lifetimeSeconds;

    public KnownLoginAddresses(Pool pool, KeyRing keys, RateLimitConfig config) {
        this.pool = pool;
        this.keys = keys;
        this.lifetimeSeconds = config.loginKnownAddressLifetime().toSeconds();
    }

    /**
     * Whether the account logged in from this address lately. Asked for unknown accounts too (a null user is
     * known nowhere), so that the login does the same work whether the account exists or not.
     */
    public Uni<Boolean> isKnown(UUID userId, String ip) {
        if (ip == null) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery(KNOWN).execute(Tuple.of(userId, hash(ip), lifetimeSeconds))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Remembers a successful login's address, inside the caller's transaction (the session's start). */
    public Uni<Void> remember(UUID userId, String ip) {
        if (ip == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(REMEMBER)
                .setParameter("user", userId)
                .setParameter("ip", hash(ip))
                .executeUpdate())
                .replaceWithVoid();
    }

    /** How long an address stays known after the account's last successful login from it. */
    public Duration lifetime() {
        return Duration.ofSeconds(lifetimeSeconds);
    }

    private byte[] hash(String ip) {
        return keys.singleUseSecretHash("known-login-address", ip);
    }
}
