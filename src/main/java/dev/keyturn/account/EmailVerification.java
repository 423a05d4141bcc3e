package dev.keyturn.account;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.mail.Mails;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.token.KeyRing;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Email verification by a 6-digit code sent by mail: valid 15 minutes, stored as a keyed hash, burnt by
 * 5 wrong tries, replaced by a resend (at most 3 an hour, 15 minutes apart, per account).
 */
@ApplicationScoped
public class EmailVerification {

    private static final Logger LOG = Logger.getLogger(EmailVerification.class);
    private static final String PURPOSE = "email-verification";

    private final AccountConfig config;
    private final KeyRing keys;
    private final Mails mails;
    private final AuditLog auditLog;
    private final UserViews userViews;
    private final RateLimits rateLimits;
    private final SecureRandom random = new SecureRandom();

    public EmailVerification(AccountConfig config, KeyRing keys, Mails mails, AuditLog auditLog, UserViews userViews,
            RateLimits rateLimits) {
        this.userViews = userViews;
        this.rateLimits = rateLimits;
        this.config = config;
        this.keys = keys;
        this.mails = mails;
        this.auditLog = auditLog;
    }

    /**
     * Creates the sign-up code and mails it, inside the sign-up transaction: if the mail cannot be sent,
     * the transaction, and with it the account, is rolled back and the caller answers 503.
     */
    Uni<Void> sendFirstCode(User user) {
        String code = newCode();
        return newCodeRow(user, code, false).persist()
                .chain(() -> mails.verificationCode(user.email, user.username, code, config.verificationCodeLifetime()))
                .onFailure(failure -> !(failure instanceof ProblemException)).transform(failure -> {
                    LOG.warnf("the verification mail could not be sent: %s", failure.getClass().getSimpleName());
                    return new ProblemException(ErrorCode.UNAVAILABLE,
                            "The verification mail could not be sent; nothing was created. Try again shortly.");
                });
    }

    /**
     * Verifies the account's email with the code; wrong tries count even though the answer is an error. Rate
     * limited per address and per client first, whether or not the account exists.
     */
    public Uni<User> verify(String email, String code, ClientInfo client) {
        String normalized = EmailAddress.normalize(email);
        return rateLimits.verifyEmail(normalized, client)
                .chain(() -> Panache.withTransaction(() -> lockedByEmail(normalized)
                        .chain(user -> user == null ? Uni.createFrom().item(Outcome.REJECTED) : check(user, code, client))))
                .map(outcome -> {
                    if (outcome.user() == null) {
                        throw new ProblemException(ErrorCode.INVALID_CODE,
                                "The code is wrong, expired or used up. Ask for a new one.");
                    }
                    userViews.forget(outcome.user().id);
                    return outcome.user();
                });
    }

    /**
     * Inside a transaction, with the account row locked by the caller ({@link #lockedByEmail}, or
     * {@code findById(id, PESSIMISTIC_WRITE)}): checks the code and, if right, marks the email verified.
     * <p>
     * Parallel tries are serialised twice over: by the account row's lock, which every writer of codes and of
     * the account takes first, and by the code row's own lock. So each try reads the attempts that the one
     * before it wrote: the fifth wrong try burns the code, exactly one right try consumes it, and the
     * bootstrap-admin grant happens once. The account is written with only the columns that change.
     */
    public Uni<Outcome> check(User user, String code, ClientInfo client) {
        if (user.emailVerified || user.disabled || code == null) {
            return Uni.createFrom().item(Outcome.REJECTED);
        }
        return VerificationCode.newestFor(user.id, LockModeType.PESSIMISTIC_WRITE).chain(row -> {
            Instant now = Instant.now();
            if (row == null || row.consumedAt != null || row.expiresAt.isBefore(now)
                    || row.attempts >= config.verificationMaxAttempts()) {
                return Uni.createFrom().item(Outcome.REJECTED);
            }
            String candidate = code.trim().toUpperCase(Locale.ROOT);
            if (!MessageDigest.isEqual(row.codeHash, keys.singleUseSecretHash(PURPOSE + user.id, candidate))) {
                row.attempts++;
                return Uni.createFrom().item(Outcome.REJECTED);
            }
            row.consumedAt = now;
            user.emailVerified = true;
            user.updatedAt = now;
            if (isBootstrapAdmin(user) && !user.isAdmin()) {
                List<String> roles = new ArrayList<>(user.roles);
                roles.add(User.ROLE_ADMIN);
                user.roles = roles;
                LOG.infof("user %s verified a configured admin email and was given the admin role", user.id);
            }
            return auditLog.record(AuditType.EMAIL_VERIFIED, user.id, null, client,
                    user.isAdmin() ? Map.of("roles", user.roles) : Map.of())
                    .replaceWith(new Outcome(user));
        });
    }

    /** Sends a new code if the account exists, is unverified, and has not asked too often. */
    public Uni<Void> resend(String email, ClientInfo client) {
        // The account row is locked before the recent resends are counted, so that a burst is served one request
        // after the other, each seeing the code the one before it created: the per-account rule holds.
        return rateLimits.resendVerification(client).chain(() -> Panache.withTransaction(() -> lockedByEmail(EmailAddress.normalize(email)).chain(user -> {
            if (user == null || user.emailVerified || user.disabled) {
                return Uni.createFrom().<Resend> nullItem();
            }
            Instant now = Instant.now();
            return VerificationCode.<VerificationCode> list("userId = ?1 and resent = true and createdAt > ?2 order by createdAt",
                    user.id, now.minus(Duration.ofHours(1))).chain(recent -> {
                        enforceResendLimits(recent, now);
                        String code = newCode();
                        return VerificationCode.update("consumedAt = ?1 where userId = ?2 and consumedAt is null", now, user.id)
                                .chain(() -> newCodeRow(user, code, true).persist())
                                .replaceWith(new Resend(user, code));
                    });
        }))).invoke(resend -> {
            if (resend != null) {
                // After the commit and off the answer's path: the answer is the same whether or not a mail goes out.
                mails.verificationCode(resend.user().email, resend.user().username, resend.code(),
                        config.verificationCodeLifetime())
                        .onFailure().retry().withBackOff(Duration.ofSeconds(1)).atMost(3)
                        .subscribe().with(ignored -> {
                        }, failure -> LOG.warnf("a verification mail could not be sent: %s",
                                failure.getClass().getSimpleName()));
            }
        }).replaceWithVoid();
    }

    private void enforceResendLimits(List<VerificationCode> recentResends, Instant now) {
        if (recentResends.isEmpty()) {
            return;
        }
        Instant latest = recentResends.get(recentResends.size() - 1).createdAt;
        Instant nextAllowed = latest.plus(config.resendMinInterval());
        if (recentResends.size() >= config.resendMaxPerHour()) {
            Instant oldestLeavesWindow = recentResends.get(0).createdAt.plus(Duration.ofHours(1));
            nextAllowed = nextAllowed.isAfter(oldestLeavesWindow) ? nextAllowed : oldestLeavesWindow;
        }
        if (nextAllowed.isAfter(now)) {
            long seconds = Math.max(1, Duration.between(now, nextAllowed).toSeconds() + 1);
            throw new ProblemException(ErrorCode.RATE_LIMITED, "A verification mail was sent recently. Try again later.",
                    List.of(), Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    /** The account with this (normalised) address, its row locked until the transaction ends; null if none. */
    private static Uni<User> lockedByEmail(String normalizedEmail) {
        return User.<User> find("email", normalizedEmail).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    private VerificationCode newCodeRow(User user, String code, boolean resent) {
        VerificationCode row = new VerificationCode();
        row.id = UUID.randomUUID();
        row.userId = user.id;
        row.codeHash = keys.singleUseSecretHash(PURPOSE + user.id, code);
        row.createdAt = Instant.now();
        row.expiresAt = row.createdAt.plus(config.verificationCodeLifetime());
        row.resent = resent;
        return row;
    }

    private String newCode() {
        return String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
    }

    private boolean isBootstrapAdmin(User user) {
        return config.adminEmails().orElse(List.of()).stream()
                .map(EmailAddress::normalize)
                .anyMatch(user.email::equals);
    }

    /** The result of a code check: the verified user, or none (the answer is then {@code invalid_code}). */
    public record Outcome(User user) {
        static final Outcome REJECTED = new Outcome(null);
    }

    private record Resend(User user, String code) {
    }
}
