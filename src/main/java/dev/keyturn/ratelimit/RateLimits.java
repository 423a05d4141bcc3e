package dev.keyturn.ratelimit;

import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;

/**
 * Which counters each protected route bumps, decided here and nowhere else (README "Security"). Emails
 * arrive normalised; client addresses come from {@link ClientInfo} (X-Forwarded-For only from trusted
 * proxies).
 */
@ApplicationScoped
public class RateLimits {

    private final RateLimiter limiter;
    private final RateLimitConfig config;

    public RateLimits(RateLimiter limiter, RateLimitConfig config) {
        this.limiter = limiter;
        this.config = config;
    }

    /**
     * Login: per client address, per (account, address), and per account from anywhere. The tight limit is
     * the (account, address) one, so that someone guessing from elsewhere cannot lock the owner out; the
     * per-account ceiling is loose and its block ends with its window.
     */
    public Uni<Void> login(String email, ClientInfo client) {
        String account = key(email);
        String ip = client.ip();
        return limiter.hit(
                RateLimiter.check("login-ip", ip, config.loginPerIp()),
                RateLimiter.check("login-account-ip", account == null || ip == null ? null : account + " " + ip,
                        config.loginPerAccountAndIp()),
                RateLimiter.check("login-account", account, config.loginPerAccount()));
    }

    public Uni<Void> signup(ClientInfo client) {
        return limiter.hit(RateLimiter.check("signup-ip", client.ip(), config.signupPerIp()));
    }

    /** Counted whether or not the account exists, so that the 429 tells nothing about it. */
    public Uni<Void> forgotPassword(String email, ClientInfo client) {
        return limiter.hit(
                RateLimiter.check("forgot-ip", client.ip(), config.forgotPerIp()),
                RateLimiter.check("forgot-account", key(email), config.forgotPerAccount()));
    }

    public Uni<Void> resendVerification(ClientInfo client) {
        return limiter.hit(RateLimiter.check("resend-ip", client.ip(), config.resendPerIp()));
    }

    /**
     * Email verification: per address and per client address. Counted whether or not the account exists, so
     * that a 429 tells nothing about it; the five tries of each code are counted on the code itself.
     */
    public Uni<Void> verifyEmail(String email, ClientInfo client) {
        return limiter.hit(
                RateLimiter.check("verify-ip", client.ip(), config.verifyPerIp()),
                RateLimiter.check("verify-account", key(email), config.verifyPerAccount()));
    }

    /** Password changes of one account: every try counts, before its bcrypt check. */
    public Uni<Void> passwordChange(UUID userId) {
        return limiter.hit(RateLimiter.check("password-change-account", userId.toString(),
                config.passwordChangePerAccount()));
    }

    public Limit refreshPerSession() {
        return config.refreshPerSession();
    }

    private static String key(String email) {
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }
}
