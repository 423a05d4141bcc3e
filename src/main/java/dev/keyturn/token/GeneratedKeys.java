package dev.keyturn.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Keys made at start-up when none is configured, which only dev and test allow. Dev mode keeps them under
 * {@code target/} so that tokens survive a live reload and a restart, until {@code mvn clean}.
 */
final class GeneratedKeys {

    private static final Logger LOG = Logger.getLogger(GeneratedKeys.class);
    private static final Path DEV_KEY_DIRECTORY = Path.of("target", "keyturn-dev-keys");

    private GeneratedKeys() {
    }

    static KeyPair keyPair(SignatureAlgorithm algorithm) {
        boolean dev = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        Path file = DEV_KEY_DIRECTORY.resolve(algorithm.name().toLowerCase(java.util.Locale.ROOT) + "-signing-key.pem");
        if (dev && Files.isRegularFile(file)) {
            LOG.infof("Using the dev %s signing key generated earlier in %s", algorithm, file);
            return ConfiguredKeys.keyPair(file.toString(), algorithm, file.toString());
        }
        try {
            KeyPair pair = KeyUtils.generateKeyPair(algorithm == SignatureAlgorithm.ES256 ? 256 : 2048, algorithm);
            if (dev) {
                writePrivate(file, PemBlocks.write("PRIVATE KEY", pair.getPrivate().getEncoded())
                        + PemBlocks.write("PUBLIC KEY", pair.getPublic().getEncoded()));
            }
            LOG.infof("Generated a %s signing key at start-up (no KEYTURN_SIGNING_KEY configured; %s only)", algorithm,
                    LaunchMode.current().getDefaultProfile());
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] refreshTokenSecret() {
        boolean dev = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        Path file = DEV_KEY_DIRECTORY.resolve("refresh-token-secret");
        try {
            if (dev && Files.isRegularFile(file)) {
                return ConfiguredKeys.secret(Files.readString(file));
            }
            byte[] secret = new byte[ConfiguredKeys.MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(secret);
            if (dev) {
                writePrivate(file, Base64.getEncoder().encodeToString(secret));
            }
            LOG.infof("Generated a refresh-token secret at start-up (no KEYTURN_REFRESH_TOKEN_SECRET configured; %s only)",
                    LaunchMode.current().getDefaultProfile());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debugf("could not keep the dev key in %s", file);
        }
    }
}
