package dev.keyturn.oauth.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Client secrets: 256 random bits, base64url (no character that HTTP Basic's form-encoding would change), stored only
 * as a SHA-256 digest. A fast digest is right for a value with that much entropy: nobody can guess it offline, and a
 * slow hash (bcrypt) would cost every token request 70 ms of CPU. Secrets declared in configuration must be at least
 * {@link #MIN_LENGTH} characters for the same reason.
 */
public final class ClientSecrets {

    public static final int MIN_LENGTH = 32;

    private ClientSecrets() {
    }

    public static String generate() {
        byte[] secret = new byte[32];
        // one per secret (made rarely): a static instance would be made while the native image is built, its seed
        // then frozen into the executable
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares against every live secret in full, so the time taken tells nothing about which one, or how close. */
    public static boolean matches(String presented, List<byte[]> hashes) {
        byte[] digest = hash(presented);
        boolean match = false;
        for (byte[] hash : hashes) {
            match |= MessageDigest.isEqual(hash, digest);
        }
        return match;
    }
}
