package dev.keyturn.userimport;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One user of an import body (a line of {@code application/x-ndjson}, or an element of a JSON array), read field by
 * field: the checks are {@link RowChecks}', so that a bad row is reported with its reason instead of failing the request.
 * A field the route does not know makes the row invalid. (The snake_case names are Jackson's naming strategy; the
 * two-word ones are spelled out as well, so that the OpenAPI description shows them as they are sent.)
 */
@RegisterForReflection
@Schema(name = "ImportedUser", description = "A user to import: username, email and one of password, password_hash or "
        + "credentials (Keycloak's export shape).")
public record ImportRow(
        @Schema(required = true, examples = "ada") String username,
        @Schema(required = true, examples = "ada@example.com") String email,
        @JsonProperty("email_verified") @Schema(description = "default false") Boolean emailVerified,
        @Schema(description = "default false: the account cannot log in until an admin enables it") Boolean disabled,
        @Schema(description = "user and/or admin; user is always given") List<String> roles,
        @Schema(description = "a password in the clear, hashed with the configured scheme (not checked against the "
                + "password policy)") String password,
        @Schema(description = "an existing hash: bcrypt ($2a$, $2b$, $2y$, or {bcrypt}$2…), {bcrypt-sha256}$2… "
                + "(Keyturn's own), or a PHC string of argon2id, pbkdf2-sha256 or pbkdf2-sha512") @JsonProperty("password_hash") String passwordHash,
        @Schema(description = "Keycloak's credentials, as its realm or users export writes them; the one of type "
                + "password is read, others are ignored") List<KeycloakCredential> credentials) {
}
