package dev.keyturn.security;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small rate limits, for {@link BruteForceTest} only: the rest of the suite runs with generous ones, since it
 * makes hundreds of accounts and logins from one address. Each test here plays its own client addresses
 * through X-Forwarded-For (127.0.0.1 is a trusted proxy in the test profile), so no test spends another's
 * budget.
 */
public class SmallRateLimitsProfile implements QuarkusTestProfile {

    static final int LOGIN_PER_IP = 6;
    static final int LOGIN_PER_ACCOUNT_AND_IP = 3;
    static final int LOGIN_PER_ACCOUNT = 8;
    static final int SIGNUP_PER_IP = 3;
    static final int FORGOT_PER_ACCOUNT = 2;
    static final int FORGOT_PER_IP = 4;
    static final int RESEND_PER_IP = 3;
    static final int REFRESH_PER_SESSION = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "keyturn.rate-limits.login-per-ip", LOGIN_PER_IP + "/PT10M",
                "keyturn.rate-limits.login-per-account-and-ip", LOGIN_PER_ACCOUNT_AND_IP + "/PT15M",
                "keyturn.rate-limits.login-per-account", LOGIN_PER_ACCOUNT + "/PT15M",
                "keyturn.rate-limits.signup-per-ip", SIGNUP_PER_IP + "/PT1H",
                "keyturn.rate-limits.forgot-per-account", FORGOT_PER_ACCOUNT + "/PT1H",
                "keyturn.rate-limits.forgot-per-ip", FORGOT_PER_IP + "/PT1H",
                "keyturn.rate-limits.resend-per-ip", RESEND_PER_IP + "/PT1H",
                "keyturn.rate-limits.refresh-per-session", REFRESH_PER_SESSION + "/PT1M");
    }
}
