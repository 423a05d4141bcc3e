package dev.keyturn.refresh;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The tokens object of docs/api.md. {@code refresh_token} is left out when it travels in the cookie. */
@RegisterForReflection
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken,
        long refreshExpiresIn) {

    public TokenResponse withoutRefreshToken() {
        return new TokenResponse(accessToken, tokenType, expiresIn, null, refreshExpiresIn);
    }
}
