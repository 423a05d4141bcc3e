package dev.keyturn.account.hashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) through Bouncy Castle's {@link Argon2BytesGenerator}, the implementation Keycloak hashes with.
 * Stored as a PHC string: {@code $argon2id$v=19$m=7168,t=5,p=1$<salt>$<hash>}, m in KiB. The password is UTF-8.
 *
 * @param memoryKiB m, the memory in KiB (1 KiB blocks)
 * @param iterations t, passes over the memory
 * @param parallelism p, lanes (computed one after the other here: p changes the result, not the threads)
 * @param version 19 (0x13, Argon2 1.3, what every current library writes) or 16 (1.0)
 */
public record Argon2idHash(int memoryKiB, int iterations, int parallelism, int version, byte[] salt, byte[] hash)
        implements PasswordHash {

    static final String ID = "argon2id";
    /** 64 MiB: enough for every OWASP row, while two threads hashing cannot take the 128 MiB heap. */
    static final int MAX_MEMORY_KIB = 64 * 1024;
    static final int MAX_ITERATIONS = 10;
    static final int MAX_PARALLELISM = 16;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    static Argon2idHash read(String stored) throws UnreadableHashException {
        PhcString phc = PhcString.parse(stored);
        if (!ID.equals(phc.id())) {
            throw new UnreadableHashException("only argon2id is supported, not " + phc.id());
        }
        int version = phc.version() == null ? Argon2Parameters.ARGON2_VERSION_10 : phc.version();
        return checked(phc.intParameter("m"), phc.intParameter("t"), phc.intParameter("p"), version, phc.salt(), phc.hash());
    }

    /** A hash of known parameters, checked against the bounds Keyturn accepts. */
    static Argon2idHash checked(int memoryKiB, int iterations, int parallelism, int version, byte[] salt, byte[] hash)
            throws UnreadableHashException {
        if (version != Argon2Parameters.ARGON2_VERSION_13 && version != Argon2Parameters.ARGON2_VERSION_10) {
            throw new UnreadableHashException("argon2 version " + version + " is neither 19 (1.3) nor 16 (1.0)");
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new UnreadableHashException("argon2 parallelism " + parallelism + " is outside 1 to " + MAX_PARALLELISM);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new UnreadableHashException("argon2 memory " + memoryKiB + " KiB is outside " + 8 * parallelism
                    + " to " + MAX_MEMORY_KIB);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new UnreadableHashException("argon2 iterations " + iterations + " are outside 1 to " + MAX_ITERATIONS);
        }
        if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
            throw new UnreadableHashException("argon2 salt (8 to 64 bytes) or hash (16 to 64 bytes) of the wrong length");
        }
        return new Argon2idHash(memoryKiB, iterations, parallelism, version, salt, hash);
    }

    static Argon2idHash create(String password, int memoryKiB, int iterations, int parallelism, SecureRandom random,
            Argon2Memory memory) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        int version = Argon2Parameters.ARGON2_VERSION_13;
        return new Argon2idHash(memoryKiB, iterations, parallelism, version, salt,
                compute(password, memoryKiB, iterations, parallelism, version, salt, HASH_BYTES, memory));
    }

    @Override
    public HashScheme scheme() {
        return HashScheme.ARGON2ID;
    }

    @Override
    public String stored() {
        return PhcString.format(ID, version, "m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism, salt, hash);
    }

    @Override
    public boolean matches(String password, Argon2Memory memory) {
        return MessageDigest.isEqual(hash,
                compute(password, memoryKiB, iterations, parallelism, version, salt, hash.length, memory));
    }

    private static byte[] compute(String password, int memoryKiB, int iterations, int parallelism, int version,
            byte[] salt, int length, Argon2Memory memory) {
        Argon2Parameters.Builder parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(version)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (memory.pool() != null) {
            parameters.withBlockPool(memory.pool());
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters.build());
        byte[] result = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), result);
        return result;
    }
}
