package dev.keyturn.refresh;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The tokens object of docs/api.md. {@code refresh_token} is left out when it travels in the cookie; {@code scope}
 * is there only for a session of an OAuth client (the token endpoint's answer, RFC 6749 section 5.1).
 */
@RegisterForReflection
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken,
        long refreshExpiresIn, String scope) {

    public TokenResponse withoutRefreshToken() {
        return new TokenResponse(accessToken, tokenType, expiresIn, null, refreshExpiresIn, scope);
    }
}
