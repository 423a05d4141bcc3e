package dev.keyturn.account;

import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.keyturn.token.Authentication;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The admin check against the caller's stored account, not only the token's {@code roles} claim (docs/api.md: a
 * demoted admin is refused at once, though his access token still says admin until it expires). One read of the
 * account row per admin request, never cached: admin routes are not hot, and a demotion must count at once. With
 * KEYTURN_ADMIN_REQUIRE_MFA, an admin must also have proved a second factor recently ({@link StepUp}).
 */
@ApplicationScoped
public class StoredRoles {

    private final StepUp stepUp;
    private final boolean requireMfa;

    public StoredRoles(StepUp stepUp, AccountConfig config) {
        this.stepUp = stepUp;
        this.requireMfa = config.adminRequireMfa();
    }

    /**
     * Fails with 403 {@code forbidden} unless the caller's account exists, is enabled, and has the admin role now;
     * then, when admins must use MFA, with 401 {@code insufficient_user_authentication} unless the caller's token
     * says a second factor was proved recently.
     */
    public Uni<Void> requireAdmin(JsonWebToken caller) {
        return requireAdmin(UUID.fromString(caller.getSubject())).invoke(() -> {
            if (requireMfa) {
                stepUp.requireRecentSecondFactor(Authentication.of(caller));
            }
        });
    }

    /**
     * Runs {@code action} with the caller's account id once {@link #requireAdmin(JsonWebToken)} has let the caller
     * through: an admin route acts only once the stored account, not only the token, says admin.
     */
    public <T> Uni<T> asAdmin(JsonWebToken caller, Function<UUID, Uni<T>> action) {
        return requireAdmin(caller).chain(() -> action.apply(UUID.fromString(caller.getSubject())));
    }

    private Uni<Void> requireAdmin(UUID callerId) {
        return Panache.withSession(() -> User.<User> findById(callerId)).map(user -> {
            if (user == null || user.disabled || !user.isAdmin()) {
                throw new ProblemException(ErrorCode.FORBIDDEN, "This needs the admin role.");
            }
            return null;
        }).replaceWithVoid();
    }
}
