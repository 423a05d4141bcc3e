package dev.keyturn.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * Keys that the test knows and the application is configured with (see {@link KnownKeysProfile}): the current ES256
 * signing key, the RS256 key it replaced, and the refresh-token secret. They are generated once per JVM into a
 * temporary directory named by a system property, because the test profile and the test classes may be loaded by
 * different class loaders and must still see the same keys.
 */
public final class KnownKeys {

    private static final String DIRECTORY_PROPERTY = "keyturn.test.known-keys";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private KnownKeys() {
    }

    /** The PEM file of the current signing key: PKCS#8 private key followed by its public key. */
    public static Path currentKeyFile() {
        return directory().resolve("current-es256.pem");
    }

    /** The public key of the previous signing key, as PEM text. */
    public static String previousPublicKeyPem() {
        return read("previous-rs256-public.pem");
    }

    /** Base64 of the refresh-token secret. */
    public static String refreshTokenSecret() {
        return read("refresh-token-secret").strip();
    }

    /** The previous (RS256) key pair, with its RFC 7638 thumbprint as key id, computed by Nimbus. */
    public static RSAKey previousKey() {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAPrivateKey privateKey = (RSAPrivateKey) rsa.generatePrivate(
                    new PKCS8EncodedKeySpec(der(read("previous-rs256.pem"), "PRIVATE KEY")));
            RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
                    new X509EncodedKeySpec(der(previousPublicKeyPem(), "PUBLIC KEY")));
            return new RSAKey.Builder(publicKey).privateKey(privateKey).keyIDFromThumbprint().build();
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The current (ES256) key pair, with its RFC 7638 thumbprint as key id, computed by Nimbus. */
    public static ECKey currentKey() {
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            String pem = read("current-es256.pem");
            ECPrivateKey privateKey = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
            ECPublicKey publicKey = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
            return new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, publicKey).privateKey(privateKey)
                    .keyIDFromThumbprint().build();
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] refreshTokenSecretBytes() {
        return Base64.getDecoder().decode(refreshTokenSecret());
    }

    private static Path directory() {
        synchronized (System.getProperties()) {
            String existing = System.getProperty(DIRECTORY_PROPERTY);
            if (existing != null) {
                return Path.of(existing);
            }
            try {
                Path directory = Files.createTempDirectory("keyturn-test-keys");
                // registered first, so deleted last (deleteOnExit works in reverse order)
                directory.toFile().deleteOnExit();
                KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                rsa.initialize(2048);
                KeyPair previous = rsa.generateKeyPair();
                write(directory.resolve("previous-rs256.pem"), pem("PRIVATE KEY", previous.getPrivate().getEncoded()));
                write(directory.resolve("previous-rs256-public.pem"), pem("PUBLIC KEY", previous.getPublic().getEncoded()));
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair current = ec.generateKeyPair();
                write(directory.resolve("current-es256.pem"), pem("PRIVATE KEY", current.getPrivate().getEncoded())
                        + pem("PUBLIC KEY", current.getPublic().getEncoded()));
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                write(directory.resolve("refresh-token-secret"), Base64.getEncoder().encodeToString(secret));
                System.setProperty(DIRECTORY_PROPERTY, directory.toString());
                return directory;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String read(String name) {
        try {
            return Files.readString(directory().resolve(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        file.toFile().deleteOnExit();
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String pem, String label) {
        Matcher matcher = PEM.matcher(pem);
        while (matcher.find()) {
            if (matcher.group(1).equals(label)) {
                return Base64.getMimeDecoder().decode(matcher.group(2));
            }
        }
        throw new IllegalStateException("no " + label + " block");
    }
}
