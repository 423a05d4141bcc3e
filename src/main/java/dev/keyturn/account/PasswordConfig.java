package dev.keyturn.account;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "keyturn.passwords")
public interface PasswordConfig {

    /**
     * The scheme of new password hashes: {@code bcrypt} (Keyturn's bcrypt-sha256, at {@link #bcryptCost}) or
     * {@code argon2id} (at the {@code argon2*} settings). Stored hashes of any supported scheme keep working; a login
     * re-hashes one that is not in this scheme with these parameters (see {@link LoginPasswords}).
     */
    String hashScheme();

    /** bcrypt cost (log2 rounds), 4 to 14; 10 takes about 70 ms on one core here. */
    int bcryptCost();

    /** Argon2id memory m, in KiB (1 KiB blocks). */
    int argon2MemoryKib();

    /** Argon2id passes t. */
    int argon2Iterations();

    /** Argon2id lanes p. */
    int argon2Parallelism();

    /** Threads for hashing and the password strength check; 0 means one per core, which is all they can use anyway. */
    int hashingThreads();

    /** Least zxcvbn score (0 to 4) a new password must reach (see {@link PasswordPolicy}). */
    int minStrength();
}
