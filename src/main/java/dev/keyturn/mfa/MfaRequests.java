package dev.keyturn.mfa;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the second-factor routes. */
public final class MfaRequests {

    private MfaRequests() {
    }

    @RegisterForReflection
    public record Enrol(@Size(max = 64) String name) {
    }

    @RegisterForReflection
    public record Confirm(@NotBlank @Size(max = 16) String code) {
    }

    @RegisterForReflection
    public record RegisterPasskey(@Size(max = 64) String name,
            @NotNull @Schema(description = "the authenticator's answer: RegistrationResponseJSON (WebAuthn Level 3)",
                    implementation = Object.class) JsonNode credential) {
    }

    /** A second factor: exactly one of {@code code}, {@code recovery_code} and {@code credential}. */
    @RegisterForReflection
    public record SecondFactorProof(@Size(max = 16) String code, @Size(max = 32) String recoveryCode,
            @Schema(description = "a passkey's answer: AuthenticationResponseJSON (WebAuthn Level 3)",
                    implementation = Object.class) JsonNode credential) {

        public Proof proof() {
            return Proof.of(code, recoveryCode, credential);
        }
    }
}
