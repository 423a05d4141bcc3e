package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Start-up checks of the configured keys: missing keys or a misconfigured rotation fail at start, not at the first token. */
class KeyRingTest {

    private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

    private static KeyConfig config(String algorithm, String signingKey, String... previous) {
        return withNextKey(algorithm, signingKey, null, null, previous);
    }

    private static KeyConfig withNextKey(String algorithm, String signingKey, String nextKey, String nextFrom,
            String... previous) {
        return new KeyConfig() {
            @Override
            public Optional<String> nextSigningKey() {
                return Optional.ofNullable(nextKey);
            }

            @Override
            public Optional<String> nextSigningKeyFrom() {
                return Optional.ofNullable(nextFrom);
            }

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
            public String cryptoProvider() {
                return "auto";
            }

            @Override
            public boolean generateIfMissing() {
                return false;
            }
        };
    }

    private static KeyRing ring(KeyConfig config) {
        return new KeyRing(config, new CryptoProvider(config));
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
        KeyRing ring = ring(config("ES256", privatePem(current) + publicPem(current),
                publicPem(first), publicPem(second)));

        assertThat(ring.verificationKeys()).extracting(KeyRing.VerificationKey::kid).containsExactly(
                KeyRing.thumbprint(current.getPublic()), KeyRing.thumbprint(first.getPublic()),
                KeyRing.thumbprint(second.getPublic()));
        assertThat(ring.verificationKeys()).extracting(key -> key.algorithm().getAlgorithm())
                .containsExactly("ES256", "RS256", "ES256");
    }

    @Test
    void theNextKeyIsPublishedAtOnceAndSignsFromItsInstant() throws Exception {
        KeyPair current = rsa();
        KeyPair next = ec("secp256r1");
        String nextPem = privatePem(next) + publicPem(next);
        String inAnHour = Instant.now().plusSeconds(3600).toString();
        String aSecondAgo = Instant.now().minusSeconds(1).toString();
        KeyRing before = ring(withNextKey("RS256", privatePem(current), nextPem, inAnHour));
        KeyRing after = ring(withNextKey("RS256", privatePem(current), nextPem, aSecondAgo));

        String currentKid = KeyRing.thumbprint(current.getPublic());
        String nextKid = KeyRing.thumbprint(next.getPublic());
        for (KeyRing ring : List.of(before, after)) {
            assertThat(ring.verificationKeys()).extracting(KeyRing.VerificationKey::kid)
                    .containsExactly(currentKid, nextKid);
        }
        assertThat(before.signing().kid()).isEqualTo(currentKid);
        assertThat(before.signing().algorithm().getAlgorithm()).isEqualTo("RS256");
        assertThat(after.signing().kid()).isEqualTo(nextKid);
        assertThat(after.signing().algorithm().getAlgorithm()).as("the next key's own algorithm").isEqualTo("ES256");
        assertThat(after.signing().kid()).isEqualTo(nextKid);
    }

    @Test
    void aNextKeyNeedsItsInstantAndMustBeAnotherKey() throws Exception {
        KeyPair current = rsa();
        String nextPem = privatePem(rsa());
        String now = Instant.now().toString();
        assertThatThrownBy(() -> ring(withNextKey("RS256", privatePem(current), nextPem, null)))
                .hasMessageContaining("KEYTURN_NEXT_SIGNING_KEY_FROM");
        assertThatThrownBy(() -> ring(withNextKey("RS256", privatePem(current), null, now)))
                .hasMessageContaining("KEYTURN_NEXT_SIGNING_KEY");
        assertThatThrownBy(() -> ring(withNextKey("RS256", privatePem(current), privatePem(current), now)))
                .hasMessageContaining("is the current signing key");
        assertThatThrownBy(() -> ring(withNextKey("RS256", privatePem(current), nextPem, "next tuesday")))
                .hasMessageContaining("KEYTURN_NEXT_SIGNING_KEY_FROM must be an ISO-8601 instant");
        // a broken next key is reported under its own variable, not the current key's
        assertThatThrownBy(() -> ring(withNextKey("RS256", privatePem(current), publicPem(rsa()), now)))
                .hasMessageContaining("KEYTURN_NEXT_SIGNING_KEY holds no PKCS#8 private key");
    }

    @Test
    void anOldSigningKeyPemIsAcceptedButOnlyItsPublicKeyIsRead() throws Exception {
        KeyPair old = ec("secp256r1");
        KeyPair current = rsa();
        KeyRing ring = ring(config("RS256", privatePem(current), privatePem(old) + publicPem(old)));

        assertThat(ring.verificationKey(KeyRing.thumbprint(old.getPublic()))).isPresent();
    }

    @Test
    void aPreviousEntryWithoutAPublicKeyIsRefused() throws Exception {
        KeyPair current = rsa();
        assertThatThrownBy(() -> ring(config("RS256", privatePem(current), privatePem(rsa()))))
                .hasMessageContaining("KEYTURN_PREVIOUS_VERIFICATION_KEYS holds no PUBLIC KEY");
    }

    @Test
    void aSigningPemWithTheWrongPublicKeyIsRefused() throws Exception {
        KeyPair current = ec("secp256r1");
        KeyPair other = ec("secp256r1");
        assertThatThrownBy(() -> ring(config("ES256", privatePem(current) + publicPem(other))))
                .hasMessageContaining("does not belong to the private key");
    }

    @Test
    void ecKeysMustBeOnP256() throws Exception {
        KeyPair current = rsa();
        assertThatThrownBy(() -> ring(config("RS256", privatePem(current), publicPem(ec("secp384r1")))))
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

        @Override
        public Optional<String> nextSigningKey() {
            return Optional.empty();
        }

        @Override
        public Optional<String> nextSigningKeyFrom() {
            return Optional.empty();
        }

        @Override
        public String cryptoProvider() {
            return "auto";
        }
    }

    @Test
    void withoutKeysAndWithoutGenerationItRefusesToStartNamingTheVariables() {
        assertThatThrownBy(() -> ring(new Missing(Optional.empty(), Optional.empty(), false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KEYTURN_SIGNING_KEY")
                .hasMessageContaining("KEYTURN_REFRESH_TOKEN_SECRET");
    }

    @Test
    void aShortRefreshSecretIsRefused() {
        assertThatThrownBy(() -> ring(new Missing(Optional.empty(), Optional.of("c2hvcnQ="), true)))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void generatedKeysAreNamedByTheirThumbprint() {
        KeyRing ring = ring(new Missing(Optional.empty(), Optional.empty(), true));
        assertThat(ring.signing().kid()).isEqualTo(KeyRing.thumbprint(ring.verificationKeys().get(0).key()));
        assertThat(ring.verificationKeys()).hasSize(1);
    }
}
