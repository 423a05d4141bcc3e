package dev.keyturn.mfa;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answers of the second-factor routes. Never a secret but the one shown once at enrolment. */
public final class MfaViews {

    private MfaViews() {
    }

    @RegisterForReflection
    @Schema(name = "SecondFactor")
    public record Factor(UUID id, String type, String name, boolean confirmed, Instant createdAt, Instant lastUsedAt) {

        static Factor of(SecondFactor factor) {
            return new Factor(factor.id, factor.type, factor.name, factor.isConfirmed(), factor.createdAt,
                    factor.lastUsedAt);
        }
    }

    /** {@code GET /users/me/mfa}. */
    @RegisterForReflection
    @Schema(name = "SecondFactors")
    public record Status(boolean enabled, List<Factor> factors, long recoveryCodesRemaining) {
    }

    /** A TOTP factor waiting for its first code: the secret, shown this once. */
    @RegisterForReflection
    @Schema(name = "TotpEnrolment")
    public record TotpEnrolment(UUID id, String type, String name, String secret, String otpauthUri, String qrCode,
            Instant expiresAt) {
    }

    /** An enrolled factor; with the recovery codes when it is the account's first (shown this once). */
    @RegisterForReflection
    @Schema(name = "EnrolledFactor")
    public record Enrolled(Factor factor, List<String> recoveryCodes) {
    }

    @RegisterForReflection
    @Schema(name = "RecoveryCodes")
    public record RecoveryCodeList(List<String> recoveryCodes) {
    }

    /** WebAuthn options for {@code navigator.credentials.create()} or {@code .get()}, in their JSON form. */
    @RegisterForReflection
    @Schema(name = "PasskeyOptions")
    public record PasskeyOptions(@Schema(description = "PublicKeyCredentialCreationOptionsJSON or "
            + "PublicKeyCredentialRequestOptionsJSON (WebAuthn Level 3), camelCase as the browser API takes it")
            Map<String, Object> publicKey) {
    }
}
