package dev.keyturn.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.token.TokenConfig;

/** The browser transport of refresh tokens: an HttpOnly, Secure, SameSite=Strict cookie scoped to /auth. */
@ApplicationScoped
public class RefreshTokenCookie {

    public static final String NAME = "refresh_token";
    public static final String TRANSPORT_HEADER = "X-Refresh-Token-Transport";
    /** The transport header's value that asks for the cookie. */
    public static final String COOKIE = "cookie";

    private final boolean secure;

    public RefreshTokenCookie(TokenConfig config) {
        this.secure = config.cookieSecure();
    }

    public static boolean requested(String transportHeader) {
        return transportHeader != null && transportHeader.trim().equalsIgnoreCase(COOKIE);
    }

    public String set(String token, long maxAgeSeconds) {
        return header(token, maxAgeSeconds);
    }

    public String clear() {
        return header("", 0);
    }

    /**
     * The answer of a route that issues tokens: the refresh token in the body, or (transport {@code cookie}) in this
     * cookie and not in the body. Cache-Control: no-store comes from configuration for every /auth answer.
     */
    public Response answer(TokenResponse tokens, String transport) {
        Response.ResponseBuilder response = Response.ok().header("Pragma", "no-cache");
        if (requested(transport)) {
            return response.header(HttpHeaders.SET_COOKIE, set(tokens.refreshToken(), tokens.refreshExpiresIn()))
                    .entity(tokens.withoutRefreshToken())
                    .build();
        }
        return response.entity(tokens).build();
    }

    private String header(String value, long maxAge) {
        return NAME + "=" + value + "; Max-Age=" + maxAge + "; Path=/auth; HttpOnly" + (secure ? "; Secure" : "")
                + "; SameSite=Strict";
    }
}
