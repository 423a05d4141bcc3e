package dev.keyturn.account;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The password check of a login, and the one moment a stored hash can move to the configured scheme: the password is
 * known only while it is being checked. So after a right password, a hash in another scheme (imported from bcrypt,
 * Argon2 or PBKDF2, or made before the scheme or its cost changed) is replaced by one in the configured scheme.
 * <p>
 * The replacement is one conditional {@code UPDATE}: it writes only where the row still holds the very hash that was
 * checked. A password change, reset or another login's re-hash that committed meanwhile makes it match nothing, so a
 * re-hash never undoes a password change. It is best effort: if it fails, the login goes on and the next one tries
 * again.
 */
@ApplicationScoped
public class LoginPasswords {

    private static final Logger LOG = Logger.getLogger(LoginPasswords.class);

    private final PasswordHasher hasher;

    public LoginPasswords(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    /**
     * @param user the account, or {@code null} when the email is unknown: the answer is then {@code false}, after the
     *        same hashing work as a wrong password
     */
    public Uni<Boolean> check(User user, String password) {
        String checked = user == null ? null : user.passwordHash;
        return hasher.matches(password, checked).call(matches -> matches && !hasher.isCurrent(checked)
                ? rehash(user, password, checked)
                : Uni.createFrom().voidItem());
    }

    private Uni<Void> rehash(User user, String password, String checked) {
        return hasher.hash(password)
                .chain(newHash -> Panache.withTransaction(() -> User.update(
                        "passwordHash = ?1, version = version + 1 where id = ?2 and passwordHash = ?3",
                        newHash, user.id, checked)))
                .invoke(updated -> LOG.debugf("password hash of user %s moved to %s: %s", user.id,
                        hasher.configuredScheme().tag(), updated == 1 ? "done" : "the hash had changed meanwhile"))
                .onFailure().invoke(failure -> LOG.warnf("password hash of user %s not moved to %s (%s); the next login tries again",
                        user.id, hasher.configuredScheme().tag(), failure.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
