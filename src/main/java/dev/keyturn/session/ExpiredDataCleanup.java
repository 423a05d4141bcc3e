package dev.keyturn.session;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.keyturn.account.PasswordReset;
import dev.keyturn.account.VerificationCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Deletes what can no longer be used: expired refresh tokens, sessions past their cap or revoked, used or
 * expired codes and reset tokens, once they are older than the retention (kept a while for
 * investigations), and rate-limit counters whose window ended. Every replica runs it; the deletes are
 * idempotent.
 */
@ApplicationScoped
public class ExpiredDataCleanup {

    private static final Logger LOG = Logger.getLogger(ExpiredDataCleanup.class);

    private final Duration retention;

    public ExpiredDataCleanup(@ConfigProperty(name = "keyturn.cleanup.retention", defaultValue = "P1D") Duration retention) {
        this.retention = retention;
    }

    @Scheduled(every = "${keyturn.cleanup.interval:1h}", delayed = "${keyturn.cleanup.delay:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return run().invoke(deleted -> LOG.infof("cleanup deleted %s", deleted)).onFailure()
                .invoke(failure -> LOG.warnf("cleanup failed: %s", failure.getMessage())).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** What one run deleted. */
    public record Deleted(long refreshTokens, long sessions, long verificationCodes, long passwordResets,
            long rateLimitCounters) {
    }

    public Uni<Deleted> run() {
        Instant cutoff = Instant.now().minus(retention);
        return Panache.withTransaction(() -> RefreshToken.delete("expiresAt < ?1", cutoff)
                .chain(tokens -> UserSession.delete("expiresAt < ?1 or revokedAt < ?1 or currentTokenId is null", cutoff)
                        .chain(sessions -> VerificationCode.delete("expiresAt < ?1 or consumedAt < ?1", cutoff)
                                .chain(codes -> PasswordReset.delete("expiresAt < ?1 or usedAt < ?1", cutoff)
                                        .chain(resets -> deleteEndedRateLimitWindows()
                                                .map(counters -> new Deleted(tokens, sessions, codes, resets, counters)))))));
    }

    /** Counters whose window is over count nothing any more (the next hit starts a new window anyway). */
    private static Uni<Long> deleteEndedRateLimitWindows() {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "delete from rate_limits where window_start + window_seconds * interval '1 second' < now()")
                .executeUpdate())
                .map(Integer::longValue);
    }
}
