package dev.keyturn.userimport;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A credential as Keycloak exports it (its {@code CredentialRepresentation}, camelCase as Keycloak writes it):
 * {@code secretData} and {@code credentialData} are JSON documents, which Keycloak's export puts in strings; objects
 * are read as well. Keycloak's other fields ({@code id}, {@code userLabel}, {@code createdDate}, …) are ignored.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@Schema(name = "KeycloakCredential", description = "secretData {value, salt}; credentialData {hashIterations, algorithm: "
        + "pbkdf2-sha256, pbkdf2-sha512 or argon2, additionalParameters}; each a JSON string or object")
public record KeycloakCredential(
        @JsonProperty("type") String type,
        @JsonProperty("secretData") @Schema(implementation = String.class, description = "{\"value\", \"salt\"}: a JSON "
                + "document in a string, as Keycloak's export writes it (an object is read too)") JsonNode secretData,
        @JsonProperty("credentialData") @Schema(implementation = String.class, description = "{\"hashIterations\", "
                + "\"algorithm\", \"additionalParameters\"}: a JSON document in a string (or an object)") JsonNode credentialData) {
}
