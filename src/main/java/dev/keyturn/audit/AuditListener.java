package dev.keyturn.audit;

import io.smallrye.mutiny.Uni;

/**
 * Work that must commit or roll back together with an audit event: {@link AuditLog} calls every implementation right
 * after it stored the event, inside the caller's transaction and reactive chain. The outbox of webhooks (the
 * {@code webhook} room) is one: an event to send out exists exactly when the change it reports committed.
 * <p>
 * {@code audit} knows no implementation (they live in higher rooms and are found through CDI). Every login, refresh
 * reuse and logout records an event, so an implementation decides from {@link AuditEvent#type} alone, without a
 * database statement, whether an event concerns it, and answers a completed {@code Uni} at once when it does not.
 */
public interface AuditListener {

    /** Runs in the transaction that recorded {@code event}; a failure rolls that transaction back. */
    Uni<Void> recorded(AuditEvent event);
}
