package dev.keyturn.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application half-way through a key rotation that also changes the algorithm, with keys the test knows
 * ({@link KnownKeys}): it signs with an ES256 key configured as a file path (KEYTURN_SIGNING_ALGORITHM=ES256,
 * KEYTURN_SIGNING_KEY), still trusts the RS256 key it replaced, configured as PEM text
 * (KEYTURN_PREVIOUS_VERIFICATION_KEYS), and signs refresh tokens with a known secret so that tests can forge expired
 * ones. Every test class with this profile shares one application start.
 */
public class KnownKeysProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "keyturn.keys.signing-algorithm", "ES256",
                "keyturn.keys.signing-key", KnownKeys.currentKeyFile().toString(),
                "keyturn.keys.previous-verification-keys", KnownKeys.previousPublicKeyPem(),
                "keyturn.keys.refresh-token-secret", KnownKeys.refreshTokenSecret());
    }
}
