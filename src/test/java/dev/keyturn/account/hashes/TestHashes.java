package dev.keyturn.account.hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

import io.quarkus.elytron.security.common.BcryptUtil;

/**
 * Password hashes as other systems make them, made in the test with the libraries those systems use, never with the
 * code under test: bcrypt by Bouncy Castle's OpenBSD implementation (Node's and Spring's bcrypt compute the same),
 * PBKDF2 by the JDK's {@code PBKDF2WithHmacSHA…} (what Keycloak calls), Argon2 by Bouncy Castle as Keycloak calls it.
 * Costs are low so that thousands are cheap to make; the import accepts any cost within its bounds.
 */
public final class TestHashes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestHashes() {
    }

    /** bcrypt of the password itself, as Node and Spring store it ({@code version}: 2a, 2b or 2y). */
    public static String plainBcrypt(String version, String password, int cost) {
        return OpenBSDBCrypt.generate(version, password.toCharArray(), salt(16), cost);
    }

    /** Keyturn's own construction, with the explicit prefix an import needs. */
    public static String keyturnBcrypt(String password, int cost) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return "{bcrypt-sha256}" + BcryptUtil.bcryptHash(Base64.getEncoder().encodeToString(digest), cost);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Argon2id PHC string, as argon2-cffi, libsodium or Spring write it. */
    public static String argon2idPhc(String password, int memoryKiB, int iterations, int parallelism) {
        byte[] salt = salt(16);
        byte[] hash = argon2(Argon2Parameters.ARGON2_id, password, salt, memoryKiB, iterations, parallelism, 32);
        Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + encoder.encodeToString(salt)
                + "$" + encoder.encodeToString(hash);
    }

    /** A Keycloak credential's two documents. */
    public record KeycloakShape(String secretData, String credentialData) {
    }

    /** Keycloak's pbkdf2-sha256 / pbkdf2-sha512: the JDK's PBKDF2, a 16-byte salt, a 512-bit key, base64. */
    public static KeycloakShape keycloakPbkdf2(String algorithm, String password, int iterations) {
        byte[] salt = salt(16);
        String jca = algorithm.equals("pbkdf2-sha512") ? "PBKDF2WithHmacSHA512" : "PBKDF2WithHmacSHA256";
        try {
            byte[] key = SecretKeyFactory.getInstance(jca)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();
            return new KeycloakShape(secretData(key, salt),
                    "{\"hashIterations\":" + iterations + ",\"algorithm\":\"" + algorithm + "\",\"additionalParameters\":{}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keycloak's argon2 provider: Bouncy Castle over the password's chars, its parameters as lists of strings. */
    public static KeycloakShape keycloakArgon2(String password, int memoryKiB, int iterations) {
        byte[] salt = salt(16);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withParallelism(1).withMemoryAsKB(memoryKiB).withIterations(iterations).build());
        byte[] hash = new byte[32];
        generator.generateBytes(password.toCharArray(), hash);
        return new KeycloakShape(secretData(hash, salt), "{\"hashIterations\":" + iterations
                + ",\"algorithm\":\"argon2\",\"additionalParameters\":{\"hashLength\":[\"32\"],\"memory\":[\"" + memoryKiB
                + "\"],\"type\":[\"id\"],\"version\":[\"1.3\"],\"parallelism\":[\"1\"]}}");
    }

    private static String secretData(byte[] value, byte[] salt) {
        Base64.Encoder encoder = Base64.getEncoder();
        return "{\"value\":\"" + encoder.encodeToString(value) + "\",\"salt\":\"" + encoder.encodeToString(salt)
                + "\",\"additionalParameters\":{}}";
    }

    static byte[] argon2(int type, String password, byte[] salt, int memoryKiB, int iterations, int parallelism,
            int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(type).withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
                .withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(parallelism).build());
        byte[] hash = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), hash);
        return hash;
    }

    private static byte[] salt(int length) {
        byte[] salt = new byte[length];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
