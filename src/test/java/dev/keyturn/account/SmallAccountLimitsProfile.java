package dev.keyturn.account;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Small limits on email verification and password changes, for {@link AccountLimitsTest} only. */
public class SmallAccountLimitsProfile implements QuarkusTestProfile {

    static final int VERIFY_PER_ACCOUNT = 3;
    static final int VERIFY_PER_IP = 6;
    static final int PASSWORD_CHANGE_PER_ACCOUNT = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "keyturn.rate-limits.verify-per-account", VERIFY_PER_ACCOUNT + "/PT15M",
                "keyturn.rate-limits.verify-per-ip", VERIFY_PER_IP + "/PT15M",
                "keyturn.rate-limits.password-change-per-account", PASSWORD_CHANGE_PER_ACCOUNT + "/PT15M");
    }
}
