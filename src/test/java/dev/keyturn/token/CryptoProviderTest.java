package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Who signs on the JVM (KEYTURN_CRYPTO_PROVIDER), and that what ACCP signs is what any standard verifier accepts: the
 * JDK's own providers check each signature here, as a resource server on the JDK would.
 */
class CryptoProviderTest {

    /** The provider list before the test: the tests change the process-wide list, and put it back. */
    private Provider[] before;

    @BeforeEach
    void rememberProviders() {
        before = Security.getProviders();
    }

    @AfterEach
    void restoreProviders() {
        for (Provider provider : Security.getProviders()) {
            Security.removeProvider(provider.getName());
        }
        for (Provider provider : before) {
            Security.addProvider(provider);
        }
    }

    /** Only the choice matters to CryptoProvider. */
    private record Choosing(String cryptoProvider) implements KeyConfig {
        @Override
        public String signingAlgorithm() {
            return "RS256";
        }

        @Override
        public Optional<String> signingKey() {
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
        public Optional<List<String>> previousVerificationKeys() {
            return Optional.empty();
        }

        @Override
        public Optional<String> refreshTokenSecret() {
            return Optional.empty();
        }

        @Override
        public boolean generateIfMissing() {
            return true;
        }
    }

    private static KeyConfig choosing(String choice) {
        return new Choosing(choice);
    }

    /** The platforms ACCP ships a library for, which this build depends on (pom.xml, profile jvm-crypto). */
    private static void assumeAccpPlatform() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux") && List.of("amd64", "aarch64").contains(arch),
                "ACCP ships for Linux x86_64 and aarch64");
    }

    @Test
    void autoPutsAccpFirstOnLinux() throws Exception {
        assumeAccpPlatform();
        CryptoProvider crypto = new CryptoProvider(choosing("auto"));

        assertThat(crypto.accp()).isTrue();
        assertThat(crypto.describe()).startsWith("AmazonCorrettoCryptoProvider 2.");
        assertThat(Security.getProviders()[0].getName()).isEqualTo(CryptoProvider.ACCP_NAME);
        for (String algorithm : List.of("SHA256withRSA", "SHA256withECDSA")) {
            assertThat(Signature.getInstance(algorithm).getProvider().getName()).isEqualTo(CryptoProvider.ACCP_NAME);
        }
    }

    @Test
    void accpAsksForItAndGetsIt() {
        assumeAccpPlatform();
        assertThat(new CryptoProvider(choosing("accp")).accp()).isTrue();
    }

    @Test
    void jdkKeepsTheJdksProvidersEvenAfterAnEarlierStartInstalledAccp() throws Exception {
        new CryptoProvider(choosing("auto"));
        CryptoProvider crypto = new CryptoProvider(choosing("jdk"));

        assertThat(crypto.accp()).isFalse();
        assertThat(crypto.describe()).isEqualTo("the JDK's providers");
        assertThat(Security.getProvider(CryptoProvider.ACCP_NAME)).isNull();
        assertThat(Signature.getInstance("SHA256withRSA").getProvider().getName()).isEqualTo("SunRsaSign");
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThat(crypto.forSigning(rsa.getPrivate())).isSameAs(rsa.getPrivate());
    }

    @Test
    void anUnknownChoiceStopsTheStartNamingTheValues() {
        assertThatThrownBy(() -> new CryptoProvider(choosing("openssl")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KEYTURN_CRYPTO_PROVIDER must be auto, accp or jdk");
    }

    @Test
    void rs256TokensSignedByAccpVerifyWithTheJdk() throws Exception {
        assumeAccpPlatform();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        CryptoProvider crypto = new CryptoProvider(choosing("auto"));

        String token = Jwt.subject("someone").jws().algorithm(SignatureAlgorithm.RS256)
                .sign(crypto.forSigning(pair.getPrivate()));

        assertThat(verifiesWithTheJdk(token, "SHA256withRSA", "SunRsaSign", pair)).isTrue();
        assertThat(verifiesWithTheJdk(tampered(token), "SHA256withRSA", "SunRsaSign", pair)).isFalse();
    }

    @Test
    void es256TokensSignedByAccpVerifyWithTheJdk() throws Exception {
        assumeAccpPlatform();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        CryptoProvider crypto = new CryptoProvider(choosing("auto"));

        for (int i = 0; i < 20; i++) {
            String token = Jwt.subject("someone").claim("n", i).jws().algorithm(SignatureAlgorithm.ES256)
                    .sign(crypto.forSigning(pair.getPrivate()));
            // RFC 7518 §3.4: R and S, 32 bytes each, not the DER a JCA signature is
            assertThat(Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1))).hasSize(64);
            assertThat(verifiesWithTheJdk(token, "SHA256withECDSAinP1363Format", "SunEC", pair)).isTrue();
        }
    }

    private static boolean verifiesWithTheJdk(String token, String algorithm, String provider, KeyPair pair)
            throws Exception {
        int dot = token.lastIndexOf('.');
        Signature verifier = Signature.getInstance(algorithm, provider);
        verifier.initVerify(pair.getPublic());
        verifier.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1)));
    }

    private static String tampered(String token) {
        int dot = token.indexOf('.');
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"someone else\"}".getBytes(StandardCharsets.UTF_8));
        return token.substring(0, dot + 1) + payload + token.substring(token.indexOf('.', dot + 1));
    }
}
