package dev.keyturn.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** An email verification code, by its keyed hash. Only the newest one of a user counts. */
@Entity
@Table(name = "verification_codes")
public class VerificationCode extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "code_hash", nullable = false)
    public byte[] codeHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "consumed_at")
    public Instant consumedAt;

    @Column(nullable = false)
    public boolean resent;

    public static Uni<VerificationCode> newestFor(UUID userId, LockModeType lock) {
        return find("userId = ?1 order by createdAt desc", userId).withLock(lock).firstResult();
    }
}
