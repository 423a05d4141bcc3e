package dev.keyturn.oauth;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 7662 introspection answer. An inactive token gets {@code {"active": false}} and nothing else (absent fields
 * are left out of the JSON), whatever the reason, so the answer tells nothing about why.
 * <p>
 * {@code token_type} says which kind of Keyturn token it is ({@code access_token} or {@code refresh_token}); both are
 * bearer tokens. {@code username} and {@code roles} are the access token's claims, or, for a refresh token, the
 * account's current values (those its next access token will carry). {@code client_id} and {@code scope} are those of
 * a token issued at the token endpoint; a client's own token ({@code client_credentials}) has no {@code sid}, and its
 * {@code sub} is the client.
 */
@RegisterForReflection
public record Introspection(boolean active, String tokenType, String sub, String sid, Long exp, Long iat, String iss,
        Object aud, String username, List<String> roles, String jti, String clientId, String scope) {

    public static final String ACCESS_TOKEN = "access_token";
    public static final String REFRESH_TOKEN = "refresh_token";

    static final Introspection INACTIVE = new Introspection(false, null, null, null, null, null, null, null, null, null,
            null, null, null);
}
