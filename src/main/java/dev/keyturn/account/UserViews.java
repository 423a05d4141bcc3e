package dev.keyturn.account;

import java.util.Collection;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * User objects as GET /users/me and /users/{id} answer them, cached briefly in memory so that the most
 * frequent authenticated call reads no database. Every change made through this replica drops the entry
 * at once ({@link #forget}); the short expiry ({@code quarkus.cache.caffeine."user-views".expire-after-write})
 * bounds how long another replica's change can go unseen.
 */
@ApplicationScoped
public class UserViews {

    private static final Logger LOG = Logger.getLogger(UserViews.class);

    private final Cache cache;

    public UserViews(@CacheName("user-views") Cache cache) {
        this.cache = cache;
    }

    /** @return the user, or {@code null} when there is none */
    public Uni<UserView> get(UUID id) {
        return cache.getAsync(id, key -> Panache.withSession(() -> User.<User> findById(key))
                .map(user -> user == null ? null : UserView.of(user)));
    }

    /** Call after the transaction that changed these users committed. */
    public void forget(Collection<UUID> ids) {
        for (UUID id : ids) {
            cache.invalidate(id).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("could not drop cached user %s", id));
        }
    }

    public void forget(UUID id) {
        cache.invalidate(id).subscribe().with(ignored -> {
        }, failure -> LOG.debugf("could not drop cached user %s", id));
    }
}
