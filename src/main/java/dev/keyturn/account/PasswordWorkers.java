package dev.keyturn.account;

import java.util.concurrent.Callable;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;

/**
 * The threads for the CPU-bound password work, hashing (bcrypt, Argon2id, PBKDF2) and the zxcvbn strength check: one per core at the
 * lowest priority, never an event loop, results back on the caller's Vert.x context (where Hibernate Reactive
 * continues). Bounded, because more threads than cores cannot do this work any faster, and only take CPU from
 * the event loops, which hold the database transactions: on Vert.x's default worker pool (20 threads) a burst of
 * sign-ups ran 20 strength checks at once beside the hashing.
 */
@ApplicationScoped
public class PasswordWorkers {

    private final WorkerExecutor pool;
    private final int threads;

    public PasswordWorkers(PasswordConfig config, Vertx vertx) {
        this.threads = config.hashingThreads() > 0 ? config.hashingThreads() : Runtime.getRuntime().availableProcessors();
        this.pool = vertx.createSharedWorkerExecutor("keyturn-password-work", threads);
    }

    /** How many hashes can run at once: what memory kept for reuse between hashes is sized by. */
    public int threads() {
        return threads;
    }

    public <T> Uni<T> run(Callable<T> work) {
        return pool.executeBlocking(() -> {
            yieldToRequests();
            return work.call();
        }, false);
    }

    /**
     * A burst of logins or sign-ups keeps every one of these threads busy; at the lowest priority they slow
     * other requests' event loops as little as possible. The JVM passes Java priorities to the OS (as nice
     * values) only with {@code -XX:ThreadPriorityPolicy=1}, which the images and bench/ set; without it this
     * changes nothing. Lowering a thread's own priority needs no privilege.
     */
    private static void yieldToRequests() {
        Thread thread = Thread.currentThread();
        if (thread.getPriority() != Thread.MIN_PRIORITY) {
            thread.setPriority(Thread.MIN_PRIORITY);
        }
    }

    @PreDestroy
    void close() {
        pool.closeAndForget();
    }
}
