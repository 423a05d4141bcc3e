package dev.keyturn.mfa;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A ceremony in flight (table {@code mfa_challenges}): the second step of a login, a passkey registration, a
 * passwordless login or a step-up. Made once, then changed only by the conditional updates of {@link Challenges}: a
 * try counted, or the challenge used up.
 */
@Entity
@Table(name = "mfa_challenges")
public class MfaChallenge extends PanacheEntityBase {

    public static final String LOGIN = "login";
    public static final String PASSKEY_REGISTRATION = "passkey_registration";
    public static final String PASSKEY_LOGIN = "passkey_login";
    public static final String STEP_UP = "step_up";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String purpose;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "token_hash")
    public byte[] tokenHash;

    @Column(name = "challenge_hash")
    public byte[] challengeHash;

    @Column(name = "client_id")
    public String clientId;

    public String scope;

    @Column(name = "session_id")
    public UUID sessionId;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
