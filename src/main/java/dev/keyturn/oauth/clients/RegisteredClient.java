package dev.keyturn.oauth.clients;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenConfig;

/** A client as the token endpoint sees it: read in one statement ({@link ClientDirectory}), never changed. */
public record RegisteredClient(String clientId, String type, List<String> grantTypes, Set<String> scopes,
        List<String> audience, Integer accessTokenLifetime, Integer refreshTokenLifetime, String jwks, boolean enabled,
        List<byte[]> secretHashes) {

    public boolean isConfidential() {
        return OAuthClient.CONFIDENTIAL.equals(type);
    }

    public boolean allows(GrantType grant) {
        return grantTypes.contains((grant == GrantType.MFA ? GrantType.PASSWORD : grant).value());
    }

    public boolean secretMatches(String secret) {
        return ClientSecrets.matches(secret, secretHashes);
    }

    /**
     * How this client's tokens of a user's session are made, with the scope granted. Their access tokens live at most
     * the service's access-token lifetime, however long the client's own: a revoked session's access tokens are
     * refused from memory for that long ({@code RevokedSessions}), and a longer-lived one would outlast it.
     */
    public IssuedFor issuedFor(TokenConfig config, String scope) {
        Duration access = serviceTokenLifetime(config);
        return new IssuedFor(clientId, audience(config), scope,
                access.compareTo(config.accessTokenLifetime()) > 0 ? config.accessTokenLifetime() : access,
                refreshTokenLifetime == null ? config.refreshTokenLifetime() : Duration.ofSeconds(refreshTokenLifetime));
    }

    /** How this client's own tokens (client_credentials: no user, no session) are made: its lifetime as registered. */
    public IssuedFor issuedForItself(TokenConfig config, String scope) {
        return new IssuedFor(clientId, audience(config), scope, serviceTokenLifetime(config), Duration.ZERO);
    }

    private List<String> audience(TokenConfig config) {
        return audience.isEmpty() ? List.of(config.audience()) : audience;
    }

    private Duration serviceTokenLifetime(TokenConfig config) {
        return accessTokenLifetime == null ? config.accessTokenLifetime() : Duration.ofSeconds(accessTokenLifetime);
    }
}
