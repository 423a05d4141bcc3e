package dev.keyturn.account.hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import io.quarkus.elytron.security.common.BcryptUtil;

/**
 * Keyturn's own scheme, {@code bcrypt-sha256}: bcrypt reads at most 72 bytes, so that no byte of a password is ever
 * ignored it is given the base64 SHA-256 digest of the password (44 bytes) instead of the password itself.
 * <p>
 * Stored as the plain bcrypt string ({@code $2a$10$…}), as Keyturn has always stored it: every existing row, and every
 * row a replica of an earlier version writes during a rolling update, is read the same, with no migration. A bare
 * bcrypt string in {@code users.password_hash} is therefore always this scheme; an imported bcrypt of the password
 * itself is stored with a prefix ({@link PlainBcrypt}).
 */
public record KeyturnBcrypt(String stored, int cost) implements PasswordHash {

    static KeyturnBcrypt read(String stored) throws UnreadableHashException {
        return new KeyturnBcrypt(stored, BcryptStrings.cost(stored));
    }

    static KeyturnBcrypt create(String password, int cost) {
        return new KeyturnBcrypt(BcryptUtil.bcryptHash(prehash(password), cost), cost);
    }

    @Override
    public HashScheme scheme() {
        return HashScheme.BCRYPT_SHA256;
    }

    @Override
    public boolean matches(String password, Argon2Memory memory) {
        return BcryptUtil.matches(prehash(password), BcryptStrings.forBcryptUtil(stored));
    }

    static String prehash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
