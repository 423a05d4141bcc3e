package dev.keyturn.mfa;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Second factors; see application.properties for the variables that set them. */
@ConfigMapping(prefix = "keyturn.mfa")
public interface MfaConfig {

    /**
     * Base64 of 32 random bytes: the AES-256-GCM key of the TOTP secrets at rest. Unset, a key derived from
     * KEYTURN_REFRESH_TOKEN_SECRET is used (so that every deployment encrypts them), and replacing that secret would
     * then make every TOTP factor unreadable: set a key of its own in production.
     */
    Optional<String> encryptionKey();

    /** Keys that encrypted TOTP secrets before the current one, still able to decrypt them during a key rotation. */
    Optional<List<String>> previousEncryptionKeys();

    /** Whether enrolling or removing a factor ends the user's other sessions (the current one stays). */
    boolean revokeOtherSessions();

    /** The issuer shown by authenticator apps beside the account ({@code otpauth://} label and parameter). */
    String totpIssuer();

    /** How long the second step of a login (its {@code mfa_token}) and a passkey ceremony's challenge stay good. */
    @WithDefault("PT5M")
    Duration challengeLifetime();

    /** Wrong answers that burn an {@code mfa_token}. */
    @WithDefault("5")
    int maxAttempts();

    /** How long a TOTP factor may wait for the first code that confirms it. */
    @WithDefault("PT15M")
    Duration unconfirmedLifetime();

    /** The passkeys' relying party. */
    WebAuthn webauthn();

    interface WebAuthn {

        /** The relying-party id: a registrable domain (no scheme, no port); unset, the host of KEYTURN_ISSUER. */
        Optional<String> rpId();

        /** The name authenticators show. */
        String rpName();

        /**
         * The origins a ceremony may come from (the web front ends, {@code android:apk-key-hash:…} for Android apps);
         * unset, the origin of KEYTURN_ISSUER.
         */
        Optional<List<String>> origins();
    }
}
