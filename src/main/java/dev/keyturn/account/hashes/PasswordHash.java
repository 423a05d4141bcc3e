package dev.keyturn.account.hashes;

/**
 * A stored password hash, read: its scheme and parameters, and the one check of a password against it.
 * <p>
 * {@link #matches} is slow by design (tens of milliseconds): run it on {@code account/PasswordWorkers}, never on an
 * event loop. Every implementation compares in constant time.
 */
public sealed interface PasswordHash permits KeyturnBcrypt, PlainBcrypt, Argon2idHash, Pbkdf2Hash {

    HashScheme scheme();

    /** The string kept in {@code users.password_hash}, which {@link StoredHashes#read} reads back to this. */
    String stored();

    /**
     * @param memory the process's reusable Argon2 memory; schemes other than Argon2id ignore it
     */
    boolean matches(String password, Argon2Memory memory);
}
