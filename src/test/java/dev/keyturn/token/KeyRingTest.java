package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Start-up checks of the configured keys: missing keys or a misconfigured rotation fail at start, not at the first token. */
class KeyRingTest {

    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

    private static KeyConfig config(String algorithm, String signingKey, String... previous) {
        return new KeyConfig() {
            @Override
            public String signingAlgorithm() {
                return algorithm;
            }

            @Override
            public Optional<String> signingKey() {
                return Optional.of(signingKey);
            }

            @Override
            public Optional<List<String>> previousVerificationKeys() {
                return Optional.of(List.of(previous));
            }

            @Override
            public Optional<String> refreshTokenSecret() {
                return Optional.of(SECRET);
            }

            @Override
            public boolean generateIfMissing() {
                return false;
            }
        };
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static String privatePem(KeyPair pair) {
        return PemBlocks.write("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    private static String publicPem(KeyPair pair) {
        return PemBlocks.write("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    @Test
    void theCurrentKeyComesFirstThenThePreviousOnesInTheirOrder() throws Exception {
        KeyPair current = ec("secp256r1");
        KeyPair first = rsa();
        KeyPair second = ec("secp256r1");
        KeyRing ring = new KeyRing(config("ES256", privatePem(current) + publicPem(current),
                publicPem(first), publicPem(second)));

        assertThat(ring.verificationKeys()).extracting(KeyRing.VerificationKey::kid).containsExactly(
                KeyRing.thumbprint(current.getPublic()), KeyRing.thumbprint(first.getPublic()),
                KeyRing.thumbprint(second.getPublic()));
        assertThat(ring.verificationKeys()).extracting(key -> key.algorithm().getAlgorithm())
                .containsExactly("ES256", "RS256", "ES256");
    }

    @Test
    void anOldSigningKeyPemIsAcceptedButOnlyItsPublicKeyIsRead() throws Exception {
        KeyPair old = ec("secp256r1");
        KeyPair current = rsa();
        KeyRing ring = new KeyRing(config("RS256", privatePem(current), privatePem(old) + publicPem(old)));

        assertThat(ring.verificationKey(KeyRing.thumbprint(old.getPublic()))).isPresent();
    }

    @Test
    void aPreviousEntryWithoutAPublicKeyIsRefused() throws Exception {
        KeyPair current = rsa();
        assertThatThrownBy(() -> new KeyRing(config("RS256", privatePem(current), privatePem(rsa()))))
                .hasMessageContaining("KEYTURN_PREVIOUS_VERIFICATION_KEYS holds no PUBLIC KEY");
    }

    @Test
    void aSigningPemWithTheWrongPublicKeyIsRefused() throws Exception {
        KeyPair current = ec("secp256r1");
        KeyPair other = ec("secp256r1");
        assertThatThrownBy(() -> new KeyRing(config("ES256", privatePem(current) + publicPem(other))))
                .hasMessageContaining("does not belong to the private key");
    }

    @Test
    void ecKeysMustBeOnP256() throws Exception {
        KeyPair current = rsa();
        assertThatThrownBy(() -> new KeyRing(config("RS256", privatePem(current), publicPem(ec("secp384r1")))))
                .hasMessageContaining("P-256");
    }

    /** The configuration of a deployment that set nothing, or only some of the keys. */
    record Missing(Optional<String> signingKey, Optional<String> refreshTokenSecret, boolean generateIfMissing)
            implements KeyConfig {
        @Override
        public String signingAlgorithm() {
            return "RS256";
        }

        @Override
        public Optional<List<String>> previousVerificationKeys() {
            return Optional.empty();
        }
    }

    @Test
    void withoutKeysAndWithoutGenerationItRefusesToStartNamingTheVariables() {
        assertThatThrownBy(() -> new KeyRing(new Missing(Optional.empty(), Optional.empty(), false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KEYTURN_SIGNING_KEY")
                .hasMessageContaining("KEYTURN_REFRESH_TOKEN_SECRET");
    }

    @Test
    void aShortRefreshSecretIsRefused() {
        assertThatThrownBy(() -> new KeyRing(new Missing(Optional.empty(), Optional.of("c2hvcnQ="), true)))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void generatedKeysAreNamedByTheirThumbprint() {
        KeyRing ring = new KeyRing(new Missing(Optional.empty(), Optional.empty(), true));
        assertThat(ring.signingKeyId()).isEqualTo(KeyRing.thumbprint(ring.verificationKeys().get(0).key()));
        assertThat(ring.verificationKeys()).hasSize(1);
    }
}
