package dev.keyturn.oauth.clients;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of {@code POST /admin/clients} and {@code PUT /admin/clients/{client_id}} (docs/api.md), and one entry of
 * {@code KEYTURN_CLIENTS}, where {@code client_secret} may also be given. Rules across fields are
 * {@link ClientRules}'.
 */
@RegisterForReflection
public record ClientRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = ClientRules.CLIENT_ID,
                message = "may hold only letters, digits and . _ ~ -") String clientId,
        @NotBlank @Size(max = 200) String name,
        @NotNull @Pattern(regexp = "confidential|public", message = "must be confidential or public") String type,
        @NotEmpty @Size(max = 3) List<@NotNull @Pattern(regexp = "password|refresh_token|client_credentials",
                message = "must be password, refresh_token or client_credentials") String> grantTypes,
        @Size(max = 100) List<@NotNull @Size(max = 200) @Pattern(regexp = ClientRules.SCOPE_TOKEN,
                message = "must be a scope token (printable ASCII, no space, quote or backslash)") String> scopes,
        @Size(max = 20) List<@NotBlank @Size(max = 500) @Pattern(regexp = "\\S+",
                message = "must not contain white space") String> audience,
        @Min(60) @Max(86_400) Integer accessTokenLifetime,
        @Min(60) @Max(31_536_000) Integer refreshTokenLifetime,
        Map<String, Object> jwks,
        Boolean enabled,
        @Size(min = ClientSecrets.MIN_LENGTH, max = 512) String clientSecret) {
}
