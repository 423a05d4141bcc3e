package dev.keyturn.db;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * The LISTEN connections that replicas keep beside the pool (session revocations, webhook wake-ups) are opened before
 * the pool's warm-up ({@link PoolWarmup}): on a database that allows fewer connections than the pool wants, the
 * warm-up would otherwise take them all, and a replica without its revocation listener would not hear of sessions
 * revoked elsewhere. Each listener says when its first attempt ended, however it ended; the warm-up waits for those
 * attempts, at most {@link #WAIT}, and never for a listener's retries.
 */
@ApplicationScoped
public class ListenerConnections {

    static final Duration WAIT = Duration.ofSeconds(3);

    private final List<CompletableFuture<Void>> firstAttempts = new CopyOnWriteArrayList<>();

    /** A listener is connecting; it completes the answer when that first attempt succeeded or failed. */
    public CompletableFuture<Void> connecting() {
        CompletableFuture<Void> attempt = new CompletableFuture<>();
        firstAttempts.add(attempt);
        return attempt;
    }

    /** Completes when every listener's first attempt ended, or after {@link #WAIT}. */
    Uni<Void> firstAttemptsEnded() {
        return Uni.createFrom().completionStage(CompletableFuture.allOf(firstAttempts.toArray(CompletableFuture[]::new)))
                .ifNoItem().after(WAIT).recoverWithItem((Void) null)
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
