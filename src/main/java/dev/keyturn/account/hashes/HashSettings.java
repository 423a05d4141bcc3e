package dev.keyturn.account.hashes;

import java.security.SecureRandom;

/**
 * The scheme new hashes are made in, with its parameters ({@code KEYTURN_PASSWORD_HASH_SCHEME} and the cost settings):
 * bcrypt-sha256 at a bcrypt cost, or Argon2id at m, t and p. A stored hash in another scheme, or in this one with other
 * parameters, is {@linkplain #isCurrent not current} and is replaced at the account's next successful login.
 */
public record HashSettings(HashScheme scheme, int bcryptCost, int argon2MemoryKiB, int argon2Iterations,
        int argon2Parallelism) {

    public HashSettings {
        if (scheme != HashScheme.BCRYPT_SHA256 && scheme != HashScheme.ARGON2ID) {
            throw new IllegalArgumentException("new hashes are bcrypt-sha256 or argon2id, not " + scheme.tag());
        }
        if (bcryptCost < BcryptStrings.MIN_COST || bcryptCost > BcryptStrings.MAX_COST) {
            throw new IllegalArgumentException("KEYTURN_BCRYPT_COST must be " + BcryptStrings.MIN_COST + " to "
                    + BcryptStrings.MAX_COST + ", not " + bcryptCost);
        }
        try {
            Argon2idHash.checked(argon2MemoryKiB, argon2Iterations, argon2Parallelism, 19, new byte[16], new byte[32]);
        } catch (UnreadableHashException e) {
            throw new IllegalArgumentException("KEYTURN_ARGON2_MEMORY_KIB, KEYTURN_ARGON2_ITERATIONS, "
                    + "KEYTURN_ARGON2_PARALLELISM: " + e.getMessage());
        }
    }

    /** Slow by design: on a password worker thread only. */
    public PasswordHash create(String password, SecureRandom random, Argon2Memory memory) {
        return switch (scheme) {
            case ARGON2ID -> Argon2idHash.create(password, argon2MemoryKiB, argon2Iterations, argon2Parallelism, random, memory);
            default -> KeyturnBcrypt.create(password, bcryptCost);
        };
    }

    /** Whether a stored hash is in this scheme with these parameters (else a login re-hashes it). */
    public boolean isCurrent(PasswordHash hash) {
        if (hash instanceof KeyturnBcrypt bcrypt) {
            return scheme == HashScheme.BCRYPT_SHA256 && bcrypt.cost() == bcryptCost;
        }
        if (hash instanceof Argon2idHash argon2) {
            return scheme == HashScheme.ARGON2ID && argon2.memoryKiB() == argon2MemoryKiB
                    && argon2.iterations() == argon2Iterations && argon2.parallelism() == argon2Parallelism
                    && argon2.version() == 19;
        }
        return false;
    }

    /** The 1 KiB blocks one Argon2 hash of this configuration takes (0 when new hashes are bcrypt). */
    public int argon2Blocks() {
        return scheme == HashScheme.ARGON2ID ? argon2MemoryKiB : 0;
    }
}
