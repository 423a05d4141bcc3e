package dev.keyturn.account.hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * PBKDF2 (RFC 8018) with HMAC-SHA-256 or HMAC-SHA-512, through Bouncy Castle's {@link PKCS5S2ParametersGenerator}: what
 * Keycloak's {@code pbkdf2-sha256} and {@code pbkdf2-sha512} credentials are (the password as UTF-8, as the JDK's
 * {@code PBKDF2WithHmacSHA…} that Keycloak uses encodes it; the key as long as the stored hash, 64 bytes in Keycloak).
 * Stored as a PHC string, {@code $pbkdf2-sha256$i=27500$<salt>$<hash>}. Imported only; replaced by the configured
 * scheme at the first successful login.
 */
public record Pbkdf2Hash(HashScheme scheme, int iterations, byte[] salt, byte[] hash) implements PasswordHash {

    /** About a second of one core per login with HMAC-SHA-512 here; OWASP asks for 600,000 (SHA-256), 210,000 (SHA-512). */
    static final int MAX_ITERATIONS = 2_000_000;

    static Pbkdf2Hash read(String stored) throws UnreadableHashException {
        PhcString phc = PhcString.parse(stored);
        HashScheme scheme = switch (phc.id()) {
            case "pbkdf2-sha256" -> HashScheme.PBKDF2_SHA256;
            case "pbkdf2-sha512" -> HashScheme.PBKDF2_SHA512;
            default -> throw new UnreadableHashException("only pbkdf2-sha256 and pbkdf2-sha512 are supported, not " + phc.id());
        };
        if (phc.version() != null || phc.parameters().size() != 1) {
            throw new UnreadableHashException("a PBKDF2 PHC string has one parameter, i (the iterations)");
        }
        return checked(scheme, phc.intParameter("i"), phc.salt(), phc.hash());
    }

    static Pbkdf2Hash checked(HashScheme scheme, int iterations, byte[] salt, byte[] hash) throws UnreadableHashException {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new UnreadableHashException("pbkdf2 iterations " + iterations + " are outside 1 to " + MAX_ITERATIONS);
        }
        if (salt.length < 8 || salt.length > 128 || hash.length < 16 || hash.length > 128) {
            throw new UnreadableHashException("pbkdf2 salt (8 to 128 bytes) or hash (16 to 128 bytes) of the wrong length");
        }
        return new Pbkdf2Hash(scheme, iterations, salt, hash);
    }

    @Override
    public String stored() {
        return PhcString.format(scheme.tag(), null, "i=" + iterations, salt, hash);
    }

    @Override
    public boolean matches(String password, Argon2Memory memory) {
        Digest digest = scheme == HashScheme.PBKDF2_SHA512 ? new SHA512Digest() : new SHA256Digest();
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest);
        generator.init(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        byte[] derived = ((KeyParameter) generator.generateDerivedParameters(hash.length * 8)).getKey();
        return MessageDigest.isEqual(hash, derived);
    }
}
