package dev.keyturn.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;

/**
 * bcrypt through Elytron's BcryptUtil, on a worker pool sized to the cores so that hashing never blocks
 * an event loop; results come back on the caller's Vert.x context, where Hibernate Reactive continues.
 * <p>
 * bcrypt reads at most 72 bytes. So that no byte of a password is ever ignored, bcrypt is given the
 * base64 SHA-256 digest of the password (44 bytes) instead of the password itself (the "bcrypt-sha256"
 * construction).
 */
@ApplicationScoped
public class PasswordHasher {

    private final int cost;
    private final WorkerExecutor pool;
    /** Checked against when the account does not exist, so that an unknown email costs the same as a known one. */
    private final String decoyHash;

    public PasswordHasher(PasswordConfig config, Vertx vertx) {
        this.cost = config.bcryptCost();
        int threads = config.hashingThreads() > 0 ? config.hashingThreads() : Runtime.getRuntime().availableProcessors();
        this.pool = vertx.createSharedWorkerExecutor("keyturn-password-hashing", threads);
        this.decoyHash = BcryptUtil.bcryptHash(prehash("keyturn decoy password"), cost);
    }

    public Uni<String> hash(String password) {
        return pool.executeBlocking(() -> {
            yieldToRequests();
            return BcryptUtil.bcryptHash(prehash(password), cost);
        }, false);
    }

    /** @param hash the stored hash, or {@code null} when there is no account: the answer is then {@code false} */
    public Uni<Boolean> matches(String password, String hash) {
        String candidate = password == null ? "" : password;
        return pool.executeBlocking(() -> {
            yieldToRequests();
            boolean match = BcryptUtil.matches(prehash(candidate), hash == null ? decoyHash : hash);
            return match && hash != null;
        }, false);
    }

    /**
     * Hashing threads run at the lowest priority, so that a login storm, which keeps every one of them busy,
     * slows other requests' event loops as little as possible. The JVM passes Java priorities to the OS (as
     * nice values) only with {@code -XX:ThreadPriorityPolicy=1}, which the images and bench/ set; without it this
     * changes nothing. Lowering a thread's own priority needs no privilege.
     */
    private static void yieldToRequests() {
        Thread thread = Thread.currentThread();
        if (thread.getPriority() != Thread.MIN_PRIORITY) {
            thread.setPriority(Thread.MIN_PRIORITY);
        }
    }

    static String prehash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        pool.closeAndForget();
    }
}
