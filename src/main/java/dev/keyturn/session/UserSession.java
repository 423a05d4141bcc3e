package dev.keyturn.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.keyturn.token.Authentication;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One login on one device: a refresh-token family. Its row is the lock that serialises rotation. */
@Entity
@Table(name = "sessions")
public class UserSession extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at", nullable = false)
    public Instant lastUsedAt;

    /** The absolute cap of the family: no refresh token outlives it. */
    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_reason")
    public String revokedReason;

    @Column(name = "user_agent")
    public String userAgent;

    public String ip;

    @Column(name = "current_token_id")
    public UUID currentTokenId;

    /** Start of the current refresh-rate window (docs/security.md: refreshes per session). */
    @Column(name = "refresh_window_start")
    public Instant refreshWindowStart;

    /** Refreshes within that window. */
    @Column(name = "refresh_count", nullable = false)
    public int refreshCount;

    /** The OAuth client that started the session at the token endpoint; {@code null} for {@code /auth/login}. */
    @Column(name = "client_id")
    public String clientId;

    /** The scope granted at the start (space-separated), for a client's session. */
    public String scope;

    /** How the user authenticated (RFC 8176 values); null for sessions from before second factors: a password. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> amr;

    /** When the user last authenticated in this session: the login, or the last step-up; null: at its creation. */
    @Column(name = "auth_time")
    public Instant authTime;

    public Authentication authentication() {
        return Authentication.stored(amr, authTime, createdAt);
    }

    public void authenticated(Authentication authentication) {
        amr = authentication.methods();
        authTime = authentication.time();
    }

    public boolean isActive(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
