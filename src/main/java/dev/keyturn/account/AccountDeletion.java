package dev.keyturn.account;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Deleting an account: by its owner ({@code DELETE /users/me}, with the current password) or by an admin
 * ({@code DELETE /admin/users/{id}}). One transaction, the account row locked first as by every writer of the account:
 * <ol>
 * <li>every session is revoked through {@link SessionRevocations} (the other replicas are told at commit, this one
 * right after it), so the account's access tokens stop working at once everywhere, and the revocations get tombstones
 * that outlive the session rows;</li>
 * <li>a {@code user_deleted} audit event, the account's tombstone, names the account by its id only (no address, no
 * user agent) and who deleted it; it also queues the {@code user.deleted} webhook;</li>
 * <li>the account row goes, and with it (ON DELETE CASCADE) its sessions and refresh tokens, verification codes, reset
 * tokens, known login addresses, and whatever table later refers to users the same way (the MFA factors). Its
 * earlier audit events stay: they have no foreign key and go with their retention. Its email and username are free for
 * a new sign-up at once.</li>
 * </ol>
 * No deletion leaves the service without an enabled admin: deleting the last one is refused (409 {@code last_admin}),
 * through either route. The enabled admins' rows are locked with the account's, in id order, so that two admins
 * deleting each other at once cannot both succeed.
 * <p>
 * Racing requests of the same account: a login holds the account row against deletion before it writes its session
 * ({@link User#holdForSession}), so it either committed first (its session is then revoked with the others) or
 * finds the account gone (401, as for an unknown account). The cascade may still have to wait for rows that a refresh
 * is writing at that moment, while the refresh waits for a session row the deletion holds: a deadlock, which
 * PostgreSQL would end after a second by failing one of the two, maybe the refresh. So once it holds the account
 * row, the deletion waits for no
 * lock longer than {@link #LOCK_WAIT} (far below PostgreSQL's deadlock_timeout of a second): it is the one that gives
 * way, rolls back and starts over a moment later, when the other request has committed and its rows are there to
 * revoke. (Before it holds the account row it waits as long as it takes: nothing can wait for it then.) After
 * {@link #ATTEMPTS} tries it answers 503, having changed nothing.
 */
@ApplicationScoped
public class AccountDeletion {

    private static final Logger LOG = Logger.getLogger(AccountDeletion.class);

    /** The account and every enabled admin, locked in id order (the same order for every deletion: no deadlock). */
    private static final String LOCK = "SELECT id, password_hash, ('admin' = ANY(roles) AND NOT disabled) AS admin"
            + " FROM users WHERE id = :id OR ('admin' = ANY(roles) AND NOT disabled) ORDER BY id FOR UPDATE";

    private static final String DELETE = "DELETE FROM users WHERE id = :id";

    /** Longest wait for one lock inside the deletion's transaction. */
    static final String LOCK_WAIT = "200ms";
    private static final String WAIT_BRIEFLY = "SELECT set_config('lock_timeout', '" + LOCK_WAIT + "', true)";
    static final int ATTEMPTS = 6;

    private final PasswordHasher hasher;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final UserViews userViews;
    private final RateLimits rateLimits;
    private final StepUp stepUp;

    public AccountDeletion(PasswordHasher hasher, SessionRevocations revocations, AuditLog auditLog,
            UserViews userViews, RateLimits rateLimits, StepUp stepUp) {
        this.stepUp = stepUp;
        this.hasher = hasher;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.userViews = userViews;
        this.rateLimits = rateLimits;
    }

    /**
     * The owner deletes his account from one of its live sessions. Every try is counted first (before bcrypt), in the
     * password-change counter: a stolen access token cannot guess the password here either. The proof is checked
     * outside the transaction (bcrypt is slow); the transaction then re-checks what the check saw: the same password
     * hash, and the caller's session still live.
     */
    public Uni<Void> deleteOwn(UUID userId, UUID sessionId, boolean recentSecondFactor,
            AccountRequests.DeleteAccount request) {
        return rateLimits.accountDeletion(userId)
                .chain(() -> Panache.withSession(() -> User.<User> findById(userId)))
                .chain(user -> {
                    if (user == null) {
                        return Uni.createFrom().failure(accountGone());
                    }
                    String checkedHash = user.passwordHash;
                    return proven(user, recentSecondFactor, request).chain(proven -> proven
                            ? delete(userId, new Owner(checkedHash, sessionId), "self")
                            : Uni.createFrom().failure(wrongPassword()));
                });
    }

    /**
     * Whether the request proves that the caller holds the account. An account with a second factor needs one proved
     * recently by this session (a login with it, or a step-up: {@link StepUp}), and then the password is not asked
     * (if given, it must be right); any other account needs its current password.
     */
    private Uni<Boolean> proven(User user, boolean recentSecondFactor, AccountRequests.DeleteAccount request) {
        if (user.mfaEnabled) {
            if (!recentSecondFactor) {
                return Uni.createFrom().failure(stepUp.secondFactorRequired());
            }
            return request.password() == null ? Uni.createFrom().item(true)
                    : hasher.matches(request.password(), user.passwordHash);
        }
        if (request.password() == null) {
            return Uni.createFrom().failure(ProblemException.validation("password", "the current password is required"));
        }
        return hasher.matches(request.password(), user.passwordHash);
    }

    /** An admin deletes an account (another's, or his own unless he is the last enabled admin). */
    public Uni<Void> deleteByAdmin(UUID adminId, UUID userId) {
        return delete(userId, null, adminId.toString());
    }

    /** What the owner's request saw before the transaction, which must still hold in it. */
    private record Owner(String checkedHash, UUID sessionId) {
    }

    private Uni<Void> delete(UUID userId, Owner owner, String by) {
        return Uni.createFrom().deferred(() -> revocations.committed(() -> lockForDeletion(userId)
                .call(AccountDeletion::waitBriefly)
                .chain(locked -> check(userId, owner, locked))
                .chain(() -> revocations.revokeForDeletion(userId))
                .call(revoked -> auditLog.record(AuditType.USER_DELETED, userId, null, null,
                        Map.of("by", by, "sessions_revoked", revoked.size())))
                .call(() -> Panache.getSession().chain(session -> session.createNativeQuery(DELETE)
                        .setParameter("id", userId).executeUpdate()))))
                .onFailure(AccountDeletion::gaveWay).retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                .withJitter(0.5).atMost(ATTEMPTS - 1)
                .onFailure(AccountDeletion::gaveWay).transform(busy -> new ProblemException(ErrorCode.UNAVAILABLE,
                        "The account is busy. Try again shortly.", List.of(), Map.of("Retry-After", "1")))
                .invoke(revoked -> {
                    userViews.forget(userId);
                    LOG.debugf("deleted user %s (by %s), %d sessions revoked", userId, by, revoked.size());
                })
                .replaceWithVoid();
    }

    private static Uni<Void> waitBriefly() {
        return Panache.getSession().chain(session -> session.createNativeQuery(WAIT_BRIEFLY, String.class)
                .getSingleResult()).replaceWithVoid();
    }

    private static Uni<List<Object[]>> lockForDeletion(UUID userId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(LOCK, Object[].class)
                .setParameter("id", userId)
                .getResultList());
    }

    private Uni<Void> check(UUID userId, Owner owner, List<Object[]> locked) {
        Object[] account = locked.stream().filter(row -> userId.equals(row[0])).findFirst().orElse(null);
        if (account == null) {
            return Uni.createFrom().failure(owner != null ? accountGone()
                    : new ProblemException(ErrorCode.NOT_FOUND, "No such user."));
        }
        if (owner != null && !owner.checkedHash().equals(account[1])) {
            // the password changed (or was reset) since it was checked
            return Uni.createFrom().failure(wrongPassword());
        }
        long admins = locked.stream().filter(row -> Boolean.TRUE.equals(row[2])).count();
        if (Boolean.TRUE.equals(account[2]) && admins == 1) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.LAST_ADMIN,
                    "This is the only enabled admin account. Make another account admin first."));
        }
        if (owner == null) {
            return Uni.createFrom().voidItem();
        }
        return revocations.lockIfLive(userId, owner.sessionId()).chain(live -> live
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_TOKEN, "The session has ended.")));
    }

    /** The deletion gave way: its lock wait ran out (55P03), or PostgreSQL ended a deadlock with it (40P01). */
    private static boolean gaveWay(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = sqlState(t);
            if ("55P03".equals(state) || "40P01".equals(state)) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE of a failure from the reactive client, or from Hibernate Reactive, which wraps it. */
    private static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }

    private static ProblemException accountGone() {
        return new ProblemException(ErrorCode.INVALID_TOKEN, "The account is gone.");
    }

    private static ProblemException wrongPassword() {
        return new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The password is wrong.");
    }
}
