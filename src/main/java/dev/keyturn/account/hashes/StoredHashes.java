package dev.keyturn.account.hashes;

/**
 * What a value of {@code users.password_hash} is. Each stored form names its scheme, so no guess is ever made:
 * <table>
 * <caption>stored forms</caption>
 * <tr><td>{@code $2a$…}, {@code $2b$…}, {@code $2y$…}</td><td>{@link KeyturnBcrypt} (every hash Keyturn stored before
 * other schemes existed, and its bcrypt hashes since)</td></tr>
 * <tr><td>{@code {bcrypt}$2…}</td><td>{@link PlainBcrypt}, imported</td></tr>
 * <tr><td>{@code $argon2id$…}</td><td>{@link Argon2idHash}</td></tr>
 * <tr><td>{@code $pbkdf2-sha256$…}, {@code $pbkdf2-sha512$…}</td><td>{@link Pbkdf2Hash}, imported</td></tr>
 * </table>
 */
public final class StoredHashes {

    private StoredHashes() {
    }

    public static PasswordHash read(String stored) throws UnreadableHashException {
        if (stored == null || stored.isEmpty()) {
            throw new UnreadableHashException("no hash");
        }
        if (BcryptStrings.looksLikeBcrypt(stored)) {
            return KeyturnBcrypt.read(stored);
        }
        if (stored.startsWith(PlainBcrypt.PREFIX)) {
            return PlainBcrypt.of(stored.substring(PlainBcrypt.PREFIX.length()));
        }
        if (stored.startsWith("$" + Argon2idHash.ID + "$")) {
            return Argon2idHash.read(stored);
        }
        if (stored.startsWith("$pbkdf2-")) {
            return Pbkdf2Hash.read(stored);
        }
        throw new UnreadableHashException("not a supported password hash format");
    }
}
