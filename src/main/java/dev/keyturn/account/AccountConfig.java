package dev.keyturn.account;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "keyturn.accounts")
public interface AccountConfig {

    /** Whether login needs a verified email (a correct password on an unverified account answers 403). */
    boolean requireVerifiedEmail();

    @WithDefault("PT15M")
    Duration verificationCodeLifetime();

    /** Wrong tries that burn a verification code. */
    @WithDefault("5")
    int verificationMaxAttempts();

    /** Least time between two resends of the verification mail to one account. */
    @WithDefault("PT15M")
    Duration resendMinInterval();

    /** Most resends of the verification mail to one account within an hour. */
    @WithDefault("3")
    int resendMaxPerHour();

    @WithDefault("PT30M")
    Duration passwordResetLifetime();

    /** Emails that are given the admin role when their owner verifies them. */
    Optional<List<String>> adminEmails();

    /** Whether admin routes need a recently proved second factor (token/StepUp), so an admin must have one. */
    boolean adminRequireMfa();
}
