package dev.keyturn.oauth;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The token endpoint's answer to {@code client_credentials}: an access token and no refresh token (RFC 6749 4.4.3). */
@RegisterForReflection
public record ClientTokenResponse(String accessToken, String tokenType, long expiresIn, String scope) {
}
