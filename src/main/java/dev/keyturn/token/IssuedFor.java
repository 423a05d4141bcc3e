package dev.keyturn.token;

import java.time.Duration;
import java.util.List;

/**
 * Whom a session's tokens are issued to, and how: the JSON routes' first-party defaults, or a registered OAuth
 * client with its own audience, lifetimes and granted scope.
 *
 * @param clientId the OAuth client, or {@code null} for the JSON routes ({@code /auth/*})
 * @param audience {@code aud} of the access tokens
 * @param scope the granted scope (space-separated) carried as the {@code scope} claim, or {@code null} for none
 * @param accessTokenLifetime lifetime of an access token
 * @param refreshTokenLifetime lifetime of one refresh token (sliding, capped by the session's lifetime)
 */
public record IssuedFor(String clientId, List<String> audience, String scope, Duration accessTokenLifetime,
        Duration refreshTokenLifetime) {

    /** The defaults of {@code /auth/login} and {@code /auth/refresh}. */
    public static IssuedFor firstParty(TokenConfig config) {
        return new IssuedFor(null, List.of(config.audience()), null, config.accessTokenLifetime(),
                config.refreshTokenLifetime());
    }

    /** The same client with another granted scope (a refresh may ask for less than the session holds). */
    public IssuedFor withScope(String grantedScope) {
        return new IssuedFor(clientId, audience, grantedScope, accessTokenLifetime, refreshTokenLifetime);
    }
}
