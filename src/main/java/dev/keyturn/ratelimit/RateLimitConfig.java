package dev.keyturn.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;

/**
 * Every rate limit, each {@code max/window} ({@link Limit}); docs/security.md lists the environment
 * variables. A limit of {@code 0} is off.
 */
@ConfigMapping(prefix = "keyturn.rate-limits")
public interface RateLimitConfig {

    /** Login attempts from one client address, whatever the account (credential stuffing). */
    @WithConverter(LimitConverter.class)
    Limit loginPerIp();

    /** Login attempts on one account from one client address (password guessing from one place). */
    @WithConverter(LimitConverter.class)
    Limit loginPerAccountAndIp();

    /**
     * Login attempts on one account from addresses it has not logged in from successfully (see
     * {@link #loginKnownAddressLifetime()}): a ceiling on distributed guessing that never locks the owner out of
     * the places he usually logs in from.
     */
    @WithConverter(LimitConverter.class)
    Limit loginPerAccount();

    /** How long an address stays known to an account after its last successful login from there. */
    java.time.Duration loginKnownAddressLifetime();

    /** Sign-ups from one client address. */
    @WithConverter(LimitConverter.class)
    Limit signupPerIp();

    /** Password-reset mails asked for one address (whether or not it has an account: the answer must not tell). */
    @WithConverter(LimitConverter.class)
    Limit forgotPerAccount();

    /** Password-reset requests from one client address. */
    @WithConverter(LimitConverter.class)
    Limit forgotPerIp();

    /** Verification-mail resends from one client address (per account: keyturn.accounts.resend-*). */
    @WithConverter(LimitConverter.class)
    Limit resendPerIp();

    /**
     * Refreshes of one session (counted on the session row under the rotation lock: no extra round trip).
     * A well-behaved client refreshes once per access-token lifetime; many tabs at once stay far below.
     */
    @WithConverter(LimitConverter.class)
    Limit refreshPerSession();

    /**
     * Email-verification tries on one address, whether or not an account has it (so the 429 tells nothing).
     * Each code takes 5 wrong tries anyway; this bounds the guessing across resent codes: 10 tries in 15 min.
     */
    @WithConverter(LimitConverter.class)
    Limit verifyPerAccount();

    /** Email-verification tries from one client address, whatever the account (guessing many accounts' codes). */
    @WithConverter(LimitConverter.class)
    Limit verifyPerIp();

    /**
     * Password changes of one account ({@code PUT /users/me/password}), counted before the bcrypt check: a
     * stolen access token cannot guess the current password, nor spend the hashing pool. An owner changes a
     * password once, rarely five times in 15 minutes.
     */
    @WithConverter(LimitConverter.class)
    Limit passwordChangePerAccount();

    /**
     * Second-factor tries of one account (a login's second step, a step-up, a TOTP confirmation), counted before the
     * check. With the five tries of each {@code mfa_token} and a code being good for three 30-second steps, 10 tries
     * in 15 minutes leave a guesser about 3 in 10^5 per window, and the password is needed first.
     */
    @WithConverter(LimitConverter.class)
    Limit secondFactorPerAccount();

    /** Passwordless passkey logins (and the challenges they ask for) from one client address. */
    @WithConverter(LimitConverter.class)
    Limit passkeyLoginPerIp();
}
