package dev.keyturn.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
/** TOTP secrets at rest: sealed per factor, readable after a key rotation, unreadable anywhere else. */
class FactorSecretsTest {

    private static final byte[] SECRET = "twenty byte secret!!".getBytes(StandardCharsets.US_ASCII);

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static MfaConfig config(String key, List<String> previous) {
        return new MfaConfig() {
            public Optional<String> encryptionKey() {
                return Optional.ofNullable(key);
            }

            public Optional<List<String>> previousEncryptionKeys() {
                return Optional.of(previous);
            }

            public boolean revokeOtherSessions() {
                return true;
            }

            public String totpIssuer() {
                return "Keyturn";
            }

            public Duration challengeLifetime() {
                return Duration.ofMinutes(5);
            }

            public int maxAttempts() {
                return 5;
            }

            public Duration unconfirmedLifetime() {
                return Duration.ofMinutes(15);
            }

            public WebAuthn webauthn() {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static FactorSecrets secrets(String key, List<String> previous) {
        return new FactorSecrets(config(key, previous), null);
    }

    @Test
    void aSecretOpensForItsFactorOnlyAndIsNeverStoredPlain() {
        FactorSecrets secrets = secrets(newKey(), List.of());
        UUID factor = UUID.randomUUID();
        FactorSecrets.Sealed sealed = secrets.seal(factor, SECRET);
        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("twenty byte");
        assertThat(secrets.open(factor, sealed)).isEqualTo(SECRET);
        assertThat(secrets.seal(factor, SECRET).ciphertext()).isNotEqualTo(sealed.ciphertext());
        // copied onto another factor's row, it does not decrypt
        assertThatThrownBy(() -> secrets.open(UUID.randomUUID(), sealed)).isInstanceOf(IllegalStateException.class);
        byte[] altered = sealed.ciphertext().clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> secrets.open(factor, new FactorSecrets.Sealed(altered, sealed.keyId())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPreviousKeyStillOpensWhatItSealedAndIsStale() {
        String old = newKey();
        UUID factor = UUID.randomUUID();
        FactorSecrets.Sealed sealed = secrets(old, List.of()).seal(factor, SECRET);
        FactorSecrets rotated = secrets(newKey(), List.of(old));
        assertThat(rotated.open(factor, sealed)).isEqualTo(SECRET);
        assertThat(rotated.isStale(sealed.keyId())).isTrue();
        assertThat(rotated.isStale(rotated.seal(factor, SECRET).keyId())).isFalse();
        // without the old key, the service says which key is missing rather than failing obscurely
        assertThatThrownBy(() -> secrets(newKey(), List.of()).open(factor, sealed))
                .hasMessageContaining(sealed.keyId()).hasMessageContaining("KEYTURN_MFA_PREVIOUS_ENCRYPTION_KEYS");
    }

    @Test
    void aBadKeyStopsTheStart() {
        assertThatThrownBy(() -> secrets("not base64!", List.of())).hasMessageContaining("KEYTURN_MFA_ENCRYPTION_KEY");
        assertThatThrownBy(() -> secrets(Base64.getEncoder().encodeToString(new byte[16]), List.of()))
                .hasMessageContaining("32 bytes");
    }
}
