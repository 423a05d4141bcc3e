package dev.keyturn.ratelimit;

import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * Which counters each protected route bumps, decided here and nowhere else (docs/security.md). Emails
 * arrive normalised; client addresses come from {@link ClientInfo} (X-Forwarded-For only from trusted
 * proxies).
 */
@ApplicationScoped
public class RateLimits {

    private final RateLimiter limiter;
    private final RateLimitConfig config;
    private final KnownLoginAddresses knownAddresses;
    private final RateLimitMetrics metrics;

    public RateLimits(RateLimiter limiter, RateLimitConfig config, KnownLoginAddresses knownAddresses,
            RateLimitMetrics metrics) {
        this.limiter = limiter;
        this.config = config;
        this.knownAddresses = knownAddresses;
        this.metrics = metrics;
    }

    /**
     * Login: per client address, per (account, address), and per account, the last only from addresses the
     * account has not logged in from successfully ({@link KnownLoginAddresses}). The tight limit is the
     * (account, address) one; the per-account ceiling stops guessing spread over many addresses, and since it
     * never counts the owner's known addresses, nobody can use it to lock him out of them. A refused attempt
     * counts in no limit ({@link RateLimiter}). {@code userId} is null for an unknown email: the same work is done.
     */
    public Uni<Void> login(String email, UUID userId, ClientInfo client) {
        String account = key(email);
        String ip = client.ip();
        return counted(RateLimitMetrics.LOGIN, knownAddresses.isKnown(userId, ip).chain(known -> limiter.hit(
                RateLimiter.check("login-ip", ip, config.loginPerIp()),
                RateLimiter.check("login-account-ip", account == null || ip == null ? null : account + " " + ip,
                        config.loginPerAccountAndIp()),
                RateLimiter.check("login-account", known ? null : account, config.loginPerAccount()))));
    }

    /** A successful login: its address becomes known to the account, inside the session's transaction. */
    public Uni<Void> loginSucceeded(UUID userId, ClientInfo client) {
        return knownAddresses.remember(userId, client.ip());
    }

    public Uni<Void> signup(ClientInfo client) {
        return counted(RateLimitMetrics.SIGNUP, limiter.hit(RateLimiter.check("signup-ip", client.ip(), config.signupPerIp())));
    }

    /** Counted whether or not the account exists, so that the 429 tells nothing about it. */
    public Uni<Void> forgotPassword(String email, ClientInfo client) {
        return counted(RateLimitMetrics.FORGOT_PASSWORD, limiter.hit(
                RateLimiter.check("forgot-ip", client.ip(), config.forgotPerIp()),
                RateLimiter.check("forgot-account", key(email), config.forgotPerAccount())));
    }

    public Uni<Void> resendVerification(ClientInfo client) {
        return counted(RateLimitMetrics.RESEND_VERIFICATION,
                limiter.hit(RateLimiter.check("resend-ip", client.ip(), config.resendPerIp())));
    }

    /**
     * Email verification: per address and per client address. Counted whether or not the account exists, so
     * that a 429 tells nothing about it; the five tries of each code are counted on the code itself.
     */
    public Uni<Void> verifyEmail(String email, ClientInfo client) {
        return counted(RateLimitMetrics.VERIFY_EMAIL, limiter.hit(
                RateLimiter.check("verify-ip", client.ip(), config.verifyPerIp()),
                RateLimiter.check("verify-account", key(email), config.verifyPerAccount())));
    }

    /** Password changes of one account: every try counts, before its bcrypt check. */
    public Uni<Void> passwordChange(UUID userId) {
        return counted(RateLimitMetrics.PASSWORD_CHANGE, limiter.hit(RateLimiter.check("password-change-account",
                userId.toString(), config.passwordChangePerAccount())));
    }

    /** A second factor of one account: every try counts, before it is checked. */
    public Uni<Void> secondFactor(UUID userId) {
        return limiter.hit(RateLimiter.check("second-factor-account", userId.toString(),
                config.secondFactorPerAccount()));
    }

    /** A passwordless passkey login, or the challenge for one, from a client address. */
    public Uni<Void> passkeyLogin(ClientInfo client) {
        return limiter.hit(RateLimiter.check("passkey-login-ip", client.ip(), config.passkeyLoginPerIp()));
    }

    /**
     * Account deletions by the owner: counted in the password-change counter, before the bcrypt check, because both
     * guess the same current password; a stolen access token gets no more guesses by taking turns between the two.
     */
    public Uni<Void> accountDeletion(UUID userId) {
        return passwordChange(userId);
    }

    public Limit refreshPerSession() {
        return config.refreshPerSession();
    }

    /** A refresh refused by the per-session limit, which rotation counts on the session row itself. */
    public void refreshRefused() {
        metrics.refused(RateLimitMetrics.REFRESH);
    }

    private Uni<Void> counted(String limit, Uni<Void> hit) {
        return hit.onFailure(RateLimits::isRateLimited).invoke(() -> metrics.refused(limit));
    }

    private static boolean isRateLimited(Throwable failure) {
        return failure instanceof ProblemException problem && problem.code() == ErrorCode.RATE_LIMITED;
    }

    private static String key(String email) {
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }
}
