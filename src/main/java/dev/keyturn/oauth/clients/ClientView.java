package dev.keyturn.oauth.clients;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A client as the admin API shows it: never a secret, only the ids and ages of the live ones. {@code client_secret}
 * is there once, in the answer that made it.
 */
@RegisterForReflection
public record ClientView(String clientId, String name, String type, List<String> grantTypes, List<String> scopes,
        List<String> audience, Integer accessTokenLifetime, Integer refreshTokenLifetime, Map<String, Object> jwks,
        boolean enabled, String managedBy, List<SecretView> secrets, Instant createdAt, Instant updatedAt,
        String clientSecret) {

    @RegisterForReflection
    public record SecretView(UUID id, Instant createdAt, String clientSecret) {
    }

    public ClientView withSecret(String secret) {
        return new ClientView(clientId, name, type, grantTypes, scopes, audience, accessTokenLifetime,
                refreshTokenLifetime, jwks, enabled, managedBy, secrets, createdAt, updatedAt, secret);
    }
}
