package dev.keyturn.account;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.mail.Mails;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.token.KeyRing;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Password change (knowing the current one) and reset (by a single-use token sent by mail). Both revoke
 * sessions: a change every other session of the user, a reset every session.
 */
@ApplicationScoped
public class PasswordService {

    private static final Logger LOG = Logger.getLogger(PasswordService.class);
    private static final String PURPOSE = "password-reset";

    private final PasswordPolicy policy;
    private final PasswordHasher hasher;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final Mails mails;
    private final KeyRing keys;
    private final AccountConfig config;
    private final UserViews userViews;
    private final RateLimits rateLimits;
    private final StepUp stepUp;
    private final SecureRandom random = new SecureRandom();

    public PasswordService(PasswordPolicy policy, PasswordHasher hasher, SessionRevocations revocations,
            AuditLog auditLog, Mails mails, KeyRing keys, AccountConfig config, UserViews userViews,
            RateLimits rateLimits, StepUp stepUp) {
        this.stepUp = stepUp;
        this.userViews = userViews;
        this.rateLimits = rateLimits;
        this.policy = policy;
        this.hasher = hasher;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.mails = mails;
        this.keys = keys;
        this.config = config;
    }

    /**
     * Changes the password of a caller who knows the current one. Every try is counted first (before bcrypt), so
     * that a stolen access token cannot guess the current password. An account with a second factor also needs one
     * proved recently ({@link StepUp}). The check happens outside the transaction (bcrypt is slow); the write then
     * re-checks what the check saw, so that nothing that happened in between is undone: see {@link #writeChange}.
     *
     * @param recentSecondFactor whether the caller's token says a second factor was proved within the step-up window
     */
    public Uni<Void> change(UUID userId, UUID currentSessionId, boolean recentSecondFactor, String currentPassword,
            String newPassword, ClientInfo client) {
        return rateLimits.passwordChange(userId)
                .chain(() -> Panache.withSession(() -> User.<User> findById(userId)))
                .chain(user -> {
                    if (user == null) {
                        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_TOKEN, "The account is gone."));
                    }
                    if (user.mfaEnabled && !recentSecondFactor) {
                        return Uni.createFrom().failure(stepUp.secondFactorRequired());
                    }
                    String checkedHash = user.passwordHash;
                    return hasher.matches(currentPassword, checkedHash).chain(matches -> {
                        if (!matches) {
                            return Uni.createFrom().failure(wrongCurrentPassword());
                        }
                        return policy.check(newPassword, user.username, user.email).chain(() -> hasher.hash(newPassword));
                    }).chain(hash -> revocations.committed(
                            () -> writeChange(userId, currentSessionId, checkedHash, recentSecondFactor, hash, client)));
                })
                .replaceWithVoid();
    }

    /**
     * One transaction: the new hash is written only where the row still holds the hash that was verified, the
     * account is enabled and (without a recent second factor) has none; and the caller's session must still be live. A reset, another change or a disable that
     * committed meanwhile makes the write match nothing (and one in flight holds the row, so this waits and then
     * matches nothing); a session revoked meanwhile rolls the write back. Only then are the user's outstanding reset
     * tokens and other sessions ended. The account row is locked first, as by every other writer of the account.
     *
     * @return the sessions revoked
     */
    private Uni<List<UUID>> writeChange(UUID userId, UUID sessionId, String checkedHash, boolean recentSecondFactor,
            String newHash, ClientInfo client) {
        Instant now = Instant.now();
        return User.update("passwordHash = ?1, updatedAt = ?2, version = version + 1 where id = ?3"
                + " and passwordHash = ?4 and disabled = false and (mfaEnabled = false or ?5 = true)",
                newHash, now, userId, checkedHash, recentSecondFactor)
                .chain(updated -> updated == 0
                        ? User.<User> findById(userId).chain(user -> Uni.createFrom().failure(
                                user != null && user.mfaEnabled && !recentSecondFactor
                                        ? stepUp.secondFactorRequired() : wrongCurrentPassword()))
                        : revocations.lockIfLive(userId, sessionId))
                .chain(live -> live
                        ? PasswordReset.update("usedAt = ?1 where userId = ?2 and usedAt is null", now, userId)
                        : Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_TOKEN, "The session has ended.")))
                .chain(() -> revocations.revoke(userId, SessionRevocations.Scope.ALL_BUT, sessionId, RevocationReason.PASSWORD_CHANGED))
                .call(ids -> auditLog.record(AuditType.PASSWORD_CHANGED, userId, sessionId, client,
                        Map.of("sessions_revoked", ids.size())));
    }

    private static ProblemException wrongCurrentPassword() {
        return new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.");
    }

    /** Mails a reset token when the account exists; the answer is the same either way. */
    public Uni<Void> forgot(String email, ClientInfo client) {
        String token = newToken();
        String normalized = EmailAddress.normalize(email);
        // Counted per address whether or not an account has it, so that a 429 tells nothing either.
        // The account row is held (FOR SHARE) until the reset row is written: a deletion racing the request either
        // committed first (no account: nothing sent) or waits, and then removes the reset with the account.
        return rateLimits.forgotPassword(normalized, client).chain(() -> Panache.withTransaction(() -> User.<User> find(
                "email", normalized).withLock(LockModeType.PESSIMISTIC_READ).firstResult().chain(user -> {
            if (user == null || user.disabled) {
                return Uni.createFrom().<User> nullItem();
            }
            PasswordReset reset = new PasswordReset();
            reset.id = UUID.randomUUID();
            reset.userId = user.id;
            reset.tokenHash = keys.singleUseSecretHash(PURPOSE, token);
            reset.createdAt = Instant.now();
            reset.expiresAt = reset.createdAt.plus(config.passwordResetLifetime());
            return reset.persist()
                    .call(() -> auditLog.record(AuditType.PASSWORD_RESET_REQUESTED, user.id, null, client))
                    .replaceWith(user);
        }))).invoke(user -> {
            if (user != null) {
                // Off the answer's path, so that its timing does not tell whether the account exists.
                mails.passwordReset(user.email, user.username, token, config.passwordResetLifetime())
                        .onFailure().retry().withBackOff(Duration.ofSeconds(1)).atMost(3)
                        .subscribe().with(ignored -> {
                        }, failure -> LOG.warnf("a password-reset mail could not be sent: %s",
                                failure.getClass().getSimpleName()));
            }
        }).replaceWithVoid();
    }

    /**
     * Sets a new password with a reset token. In one transaction, the account row locked first (as by every
     * writer of the account, so a password change in flight waits and then finds its checked hash gone), the token
     * is checked again under its lock, the password written, every outstanding reset token of the user used up,
     * and every session revoked.
     */
    public Uni<Void> reset(String token, String newPassword, ClientInfo client) {
        byte[] tokenHash = keys.singleUseSecretHash(PURPOSE, token == null ? "" : token.trim());
        return Panache.withSession(() -> usableReset(tokenHash, LockModeType.NONE)
                .chain(reset -> User.<User> findById(reset.userId)))
                .chain(user -> policy.check(newPassword, user.username, user.email).chain(() -> hasher.hash(newPassword))
                        .map(hash -> new NewHash(user.id, hash)))
                .chain(next -> revocations.committed(() -> User.<User> findById(next.userId(), LockModeType.PESSIMISTIC_WRITE)
                        .chain(user -> usableReset(tokenHash, LockModeType.PESSIMISTIC_WRITE).chain(reset -> {
                            Instant now = Instant.now();
                            reset.usedAt = now;
                            user.passwordHash = next.hash();
                            // Whoever holds the token read the mailbox: the address is proven.
                            user.emailVerified = true;
                            user.updatedAt = now;
                            return PasswordReset.update("usedAt = ?1 where userId = ?2 and usedAt is null", now, user.id)
                                    .chain(() -> revocations.revoke(user.id, SessionRevocations.Scope.ALL, null, RevocationReason.PASSWORD_RESET))
                                    .call(ids -> auditLog.record(AuditType.PASSWORD_RESET, user.id, null, client,
                                            Map.of("sessions_revoked", ids.size())))
                                    .map(ids -> new Reset(user.id, ids));
                        })), Reset::revokedSessions))
                .invoke(reset -> userViews.forget(reset.userId()))
                .replaceWithVoid();
    }

    private record NewHash(UUID userId, String hash) {
    }

    private record Reset(UUID userId, List<UUID> revokedSessions) {
    }

    private static Uni<PasswordReset> usableReset(byte[] tokenHash, LockModeType lock) {
        return PasswordReset.<PasswordReset> find("tokenHash", tokenHash).withLock(lock).firstResult().map(reset -> {
            if (reset == null || reset.usedAt != null || reset.expiresAt.isBefore(Instant.now())
                    || !MessageDigest.isEqual(reset.tokenHash, tokenHash)) {
                throw new ProblemException(ErrorCode.INVALID_RESET_TOKEN,
                        "The reset token is wrong, used or expired. Ask for a new one.");
            }
            return reset;
        });
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
