package dev.keyturn.auth;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

import dev.keyturn.account.EmailAddress;
import dev.keyturn.mfa.Proof;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the session routes. */
public final class Requests {

    private Requests() {
    }

    @RegisterForReflection
    public record Login(@NotBlank @Size(max = 254) @Email String email, @NotNull @Size(max = 1024) String password,
            @Size(max = 64) String code) {

        public Login {
            email = EmailAddress.normalize(email);
        }
    }

    /** The second step of a login: the mfa_token of the first, and exactly one second factor. */
    @RegisterForReflection
    public record LoginSecondFactor(@NotBlank @Size(max = 128) String mfaToken, @Size(max = 16) String code,
            @Size(max = 32) String recoveryCode,
            @Schema(description = "a passkey's answer (AuthenticationResponseJSON) to the public_key options of the "
                    + "mfa_required answer", implementation = Object.class) JsonNode credential) {

        public Proof proof() {
            return Proof.of(code, recoveryCode, credential);
        }
    }

    /** A passwordless login: a passkey's answer to the options of POST /auth/passkey/options. */
    @RegisterForReflection
    public record PasskeyLogin(@NotNull @Schema(description = "AuthenticationResponseJSON (WebAuthn Level 3)",
            implementation = Object.class) JsonNode credential) {
    }

    @RegisterForReflection
    public record Refresh(@Size(max = 4096) String refreshToken) {
    }

    @RegisterForReflection
    public record Logout(@Size(max = 4096) String refreshToken,
            @Pattern(regexp = "local|global|others", message = "must be local, global or others") String scope) {
    }
}
