package dev.keyturn.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;

/**
 * bcrypt through Elytron's BcryptUtil, on {@link PasswordWorkers} so that hashing never blocks an event loop.
 * <p>
 * bcrypt reads at most 72 bytes. So that no byte of a password is ever ignored, bcrypt is given the
 * base64 SHA-256 digest of the password (44 bytes) instead of the password itself (the "bcrypt-sha256"
 * construction).
 */
@ApplicationScoped
public class PasswordHasher {

    private final int cost;
    private final PasswordWorkers workers;
    /**
     * Checked against when the account does not exist, so that an unknown email costs the same as a known one.
     * Made on first need, on a password thread: made in the constructor, it was a bcrypt on the event loop of
     * the first request after a start, with the other event loops waiting for the bean meanwhile (the 503s of
     * ColdStartBurstIT).
     */
    private volatile String decoyHash;

    public PasswordHasher(PasswordConfig config, PasswordWorkers workers) {
        this.cost = config.bcryptCost();
        this.workers = workers;
    }

    public Uni<String> hash(String password) {
        return workers.run(() -> BcryptUtil.bcryptHash(prehash(password), cost));
    }

    /** @param hash the stored hash, or {@code null} when there is no account: the answer is then {@code false} */
    public Uni<Boolean> matches(String password, String hash) {
        String candidate = password == null ? "" : password;
        return workers.run(() -> {
            boolean match = BcryptUtil.matches(prehash(candidate), hash == null ? decoyHash() : hash);
            return match && hash != null;
        });
    }

    private String decoyHash() {
        String decoy = decoyHash;
        if (decoy == null) {
            // Two threads may both make one; either is as good, and neither runs on an event loop.
            decoy = BcryptUtil.bcryptHash(prehash("keyturn decoy password"), cost);
            decoyHash = decoy;
        }
        return decoy;
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
