package dev.keyturn.mfa;

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
import io.smallrye.mutiny.Uni;

/**
 * A second factor of an account: a TOTP authenticator or a passkey. Uses of a factor (a TOTP step, a passkey's
 * signature counter) are written by conditional updates in {@link SecondFactorCheck}, never by putting the entity
 * back, so that two uses at once cannot both succeed.
 */
@Entity
@Table(name = "mfa_factors")
public class SecondFactor extends PanacheEntityBase {

    public static final String TOTP = "totp";
    public static final String PASSKEY = "passkey";

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "confirmed_at")
    public Instant confirmedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "secret_ciphertext")
    public byte[] secretCiphertext;

    @Column(name = "secret_key_id")
    public String secretKeyId;

    @Column(name = "last_used_step")
    public Long lastUsedStep;

    @Column(name = "credential_id")
    public byte[] credentialId;

    /** The passkey's attested credential data (AAGUID, credential id, COSE public key), as the authenticator sent it. */
    @Column(name = "attested_data")
    public byte[] attestedData;

    @Column(name = "sign_count")
    public Long signCount;

    @Column(name = "backup_eligible")
    public Boolean backupEligible;

    @Column(name = "backup_state")
    public Boolean backupState;

    @Column(name = "uv_initialized")
    public Boolean uvInitialized;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> transports;

    @Column(name = "attestation_format")
    public String attestationFormat;

    public boolean isConfirmed() {
        return confirmedAt != null;
    }

    public boolean isTotp() {
        return TOTP.equals(type);
    }

    public boolean isPasskey() {
        return PASSKEY.equals(type);
    }

    /**
     * What proving this passkey is, in RFC 8176's words: a passkey that may be synced to other devices (backup
     * eligible) is a software-secured key, one bound to its device a hardware-secured key.
     */
    public String passkeyMethod() {
        return Boolean.TRUE.equals(backupEligible) ? Authentication.SOFTWARE_KEY : Authentication.HARDWARE_KEY;
    }

    /** The confirmed factors of an account, oldest first. */
    public static Uni<List<SecondFactor>> confirmedOf(UUID userId) {
        return list("userId = ?1 and confirmedAt is not null order by createdAt, id", userId);
    }

    public static Uni<List<SecondFactor>> confirmedOf(UUID userId, String type) {
        return list("userId = ?1 and type = ?2 and confirmedAt is not null order by createdAt, id", userId, type);
    }
}
