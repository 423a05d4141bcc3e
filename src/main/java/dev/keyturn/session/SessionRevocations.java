package dev.keyturn.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.keyturn.token.RevokedSessions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The one way to end sessions. Inside the caller's transaction it marks the rows revoked and queues a PostgreSQL
 * NOTIFY, which the database delivers to every replica only if the transaction commits
 * ({@link RevocationListener}); {@link #committed} runs that transaction and then makes this replica reject the
 * sessions' access tokens at once, without waiting for its own notification (and never for a rolled-back one).
 */
@ApplicationScoped
public class SessionRevocations {

    public static final String CHANNEL = "keyturn_session_revoked";
    /** NOTIFY payloads must stay under 8000 bytes; 37 bytes per id. */
    private static final int IDS_PER_NOTIFICATION = 150;
    /** The revoked sessions of a user whose access tokens may still be live ({@link #revokeForDeletion}). */
    private static final String TOMBSTONES = "INSERT INTO session_tombstones (id, revoked_at)"
            + " SELECT id, revoked_at FROM sessions WHERE user_id = :user AND revoked_at > :since"
            + " ON CONFLICT (id) DO NOTHING";

    private final RevokedSessions revokedSessions;

    public SessionRevocations(RevokedSessions revokedSessions) {
        this.revokedSessions = revokedSessions;
    }

    /** Which of a user's active sessions to end. */
    public enum Scope {
        /** only the given session */
        ONLY,
        /** every session of the user */
        ALL,
        /** every session of the user but the given one */
        ALL_BUT
    }

    /**
     * Revokes active sessions of a user, inside the current transaction.
     *
     * @param sessionId the session that {@code scope} refers to; ignored for {@link Scope#ALL}
     * @return the ids of the sessions this call revoked
     */
    public Uni<List<UUID>> revoke(UUID userId, Scope scope, UUID sessionId, RevocationReason reason) {
        Instant now = Instant.now();
        Uni<List<UserSession>> sessions = switch (scope) {
            case ONLY -> UserSession.list("id = ?1 and userId = ?2 and revokedAt is null", sessionId, userId);
            case ALL -> UserSession.list("userId = ?1 and revokedAt is null", userId);
            case ALL_BUT -> UserSession.list("userId = ?1 and revokedAt is null and id <> ?2", userId, sessionId);
        };
        return sessions.chain(found -> revokeLoaded(found, reason, now));
    }

    /**
     * Revokes every session of a user whose account is about to be deleted, inside the deletion's transaction: the
     * sessions are revoked (and the other replicas told, at commit) like any others first, and then every session of
     * the user revoked recently enough that its access tokens may still be live gets a tombstone. The deletion of the
     * account then takes the session rows with it (ON DELETE CASCADE), and a replica that starts before those access
     * tokens expire still learns of the revocations from the tombstones ({@link RevocationListener#reload}).
     *
     * @return the ids of the sessions this call revoked
     */
    public Uni<List<UUID>> revokeForDeletion(UUID userId) {
        return revoke(userId, Scope.ALL, null, RevocationReason.ACCOUNT_DELETED)
                .call(Panache::flush)
                .call(() -> Panache.getSession().chain(session -> session.createNativeQuery(TOMBSTONES)
                        .setParameter("user", userId)
                        .setParameter("since", Instant.now().minus(revokedSessions.retention()))
                        .executeUpdate()));
    }

    /** Revokes every active session that an OAuth client started, inside the current transaction. */
    public Uni<List<UUID>> revokeClientSessions(String clientId, RevocationReason reason) {
        Instant now = Instant.now();
        return UserSession.<UserSession> list("clientId = ?1 and revokedAt is null", clientId)
                .chain(found -> revokeLoaded(found, reason, now));
    }

    private Uni<List<UUID>> revokeLoaded(List<UserSession> found, RevocationReason reason, Instant now) {
        List<UUID> ids = new ArrayList<>(found.size());
        for (UserSession session : found) {
            session.revokedAt = now;
            session.revokedReason = reason.stored();
            ids.add(session.id);
        }
        return notifyReplicas(ids).replaceWith(ids);
    }

    /**
     * Inside the current transaction: whether the session is still live, holding a share lock on its row until
     * the transaction ends, so that a revocation in flight either committed before (and the answer is false) or
     * waits until after. Callers lock the account row first, as every revoker does, so the locks never cross.
     */
    public Uni<Boolean> lockIfLive(UUID userId, UUID sessionId) {
        return UserSession.<UserSession> find("id = ?1 and userId = ?2 and revokedAt is null", sessionId, userId)
                .withLock(LockModeType.PESSIMISTIC_READ).firstResult()
                .map(session -> session != null && session.isActive(Instant.now()));
    }

    /** Marks one already-loaded session revoked, inside the current transaction. */
    public Uni<Void> revoke(UserSession session, RevocationReason reason) {
        session.revokedAt = Instant.now();
        session.revokedReason = reason.stored();
        return notifyReplicas(List.of(session.id));
    }

    /**
     * Runs {@code work} in one transaction; once it committed, this replica rejects the access tokens of the sessions
     * that {@code revoked} names in its result. Any revocation inside {@code work} goes through {@link #revoke}.
     */
    public <T> Uni<T> committed(Supplier<Uni<T>> work, Function<T, List<UUID>> revoked) {
        return Panache.withTransaction(work).invoke(result -> remember(revoked.apply(result)));
    }

    /** {@link #committed} for work whose result is the list of the sessions it revoked. */
    public Uni<List<UUID>> committed(Supplier<Uni<List<UUID>>> work) {
        return committed(work, ids -> ids);
    }

    /** Makes this replica reject the sessions' access tokens now; only after the revoking statement committed. */
    void remember(List<UUID> sessionIds) {
        sessionIds.forEach(id -> revokedSessions.add(id.toString()));
    }

    private Uni<Void> notifyReplicas(List<UUID> ids) {
        Uni<Void> sent = Uni.createFrom().voidItem();
        for (int from = 0; from < ids.size(); from += IDS_PER_NOTIFICATION) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_NOTIFICATION));
            String payload = String.join(",", chunk.stream().map(UUID::toString).toList());
            sent = sent.chain(() -> Panache.getSession().chain(session -> session
                    .createNativeQuery("select 1 from (select pg_notify(:channel, :payload)) as sent", Integer.class)
                    .setParameter("channel", CHANNEL)
                    .setParameter("payload", payload)
                    .getSingleResult())
                    .replaceWithVoid());
        }
        return sent;
    }
}
