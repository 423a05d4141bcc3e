package dev.keyturn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * What the packaged application needs to start in the {@code prod} profile, made in the test JVM: a real
 * PostgreSQL (the embedded one of dev mode and tests, here started explicitly because the packaged
 * application never contains it) and freshly generated keys, the way an operator would supply them (a PEM
 * file and a base64 secret; see scripts/generate-keys.sh).
 * <p>
 * The returned values reach the launched artifact as system properties, so the same tests run unchanged
 * against the JVM jar, the AOT-trained jar and a native executable.
 */
public class PackagedAppResources implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;
    private Path keyDirectory;

    @Override
    public Map<String, String> start() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            keyDirectory = Files.createTempDirectory("keyturn-it-keys");
            Path signingKey = keyDirectory.resolve("signing-key.pem");
            Files.writeString(signingKey, signingKeyPem(), StandardCharsets.US_ASCII);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            return Map.of(
                    "keyturn.db.url", "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                    "keyturn.db.username", "postgres",
                    "keyturn.db.password", "",
                    "keyturn.keys.signing-key", signingKey.toString(),
                    "keyturn.keys.refresh-token-secret", Base64.getEncoder().encodeToString(secret));
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("could not prepare the database and keys of the packaged application", e);
        }
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
            deleteKeys();
        }
    }

    /** An RS256 key as production takes it: the PKCS#8 private key followed by its public key. */
    private static String signingKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        Base64.Encoder lines = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN " + label + "-----\n" + lines.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private void deleteKeys() {
        if (keyDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(keyDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
        keyDirectory = null;
    }
}
