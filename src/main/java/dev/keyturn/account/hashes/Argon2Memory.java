package dev.keyturn.account.hashes;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Argon2's memory (the configured MiB per hash, in 1 KiB blocks), kept between hashes instead of allocated anew for
 * each: in a 128 MiB heap, allocating 7 MiB or more per login made the garbage collector's pauses, which stop the event
 * loops too, a fifth of the time (measured: 6 s of GC in 15 s of two threads hashing at 19 MiB; 43 ms with the blocks
 * reused). At most {@code blocks} blocks are kept: the configured memory times the hashing threads.
 */
public final class Argon2Memory {

    private final Argon2BytesGenerator.BlockPool pool;

    private Argon2Memory(Argon2BytesGenerator.BlockPool pool) {
        this.pool = pool;
    }

    /** Keeps up to {@code blocks} 1 KiB blocks for reuse. */
    public static Argon2Memory reusing(int blocks) {
        return new Argon2Memory(new Argon2BytesGenerator.FixedBlockPool(blocks));
    }

    /** No reuse: each hash allocates its own blocks (tests, and tools that hash a few times). */
    public static Argon2Memory none() {
        return new Argon2Memory(null);
    }

    Argon2BytesGenerator.BlockPool pool() {
        return pool;
    }
}
