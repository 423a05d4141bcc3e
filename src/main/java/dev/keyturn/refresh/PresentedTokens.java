package dev.keyturn.refresh;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.keyturn.token.AccessTokenParser;

/**
 * Turns a token that a client presents back (to log out, to revoke it, to introspect it) into the user and the
 * session it names. Both kinds are verified locally first (signature, type, issuer, audience, expiry), which also
 * tells them apart: they have different {@code typ} headers and keys, so no type hint is needed. Whether the session
 * is still live is the caller's question, asked of the database.
 */
@ApplicationScoped
public class PresentedTokens {

    private final RefreshTokens refreshTokens;
    private final AccessTokenParser accessTokens;

    public PresentedTokens(RefreshTokens refreshTokens, AccessTokenParser accessTokens) {
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
    }

    /** A verified token: exactly one of {@code refresh} and {@code access} is set. */
    public record Presented(UUID userId, UUID sessionId, RefreshTokens.Claims refresh, JsonWebToken access) {

        public boolean isRefreshToken() {
            return refresh != null;
        }
    }

    /** @return the token, taken as a refresh token and else as an access token; {@code null} when it is neither */
    public Presented identify(String token) {
        return identify(token, token);
    }

    /**
     * @param refreshToken tried as a refresh token only, first
     * @param accessToken tried as an access token only, when there is no valid refresh token
     * @return {@code null} when neither is a valid token of its kind
     */
    public Presented identify(String refreshToken, String accessToken) {
        RefreshTokens.Claims refresh = refreshToken == null ? null : refreshTokens.verify(refreshToken);
        if (refresh != null) {
            return new Presented(refresh.userId(), refresh.sessionId(), refresh, null);
        }
        JsonWebToken access = accessToken == null ? null : accessTokens.parseOrNull(accessToken);
        if (access != null) {
            return new Presented(UUID.fromString(access.getSubject()), UUID.fromString(access.getClaim("sid")), null,
                    access);
        }
        return null;
    }
}
