package dev.keyturn.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.refresh.RefreshRotation;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.CrossSiteRequests;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Login, refresh and logout. Token answers are never cached (Cache-Control: no-store, see application.properties). */
@Path("/auth")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final SessionService sessions;
    private final RefreshRotation rotation;
    private final RefreshTokenCookie cookie;
    private final CrossSiteRequests crossSite;

    public AuthResource(SessionService sessions, RefreshRotation rotation, RefreshTokenCookie cookie,
            CrossSiteRequests crossSite) {
        this.sessions = sessions;
        this.rotation = rotation;
        this.cookie = cookie;
        this.crossSite = crossSite;
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in with email and password", description = "Starts a session. With header "
            + "X-Refresh-Token-Transport: cookie the refresh token is set as an HttpOnly cookie instead of the body.")
    @APIResponse(responseCode = "200", description = "Tokens",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "validation_failed or malformed_request")
    @APIResponse(responseCode = "401", description = "invalid_credentials: unknown email or wrong password, alike")
    @APIResponse(responseCode = "403", description = "account_disabled or email_not_verified")
    public Uni<Response> login(@Valid @NotNull Requests.Login request,
            @Parameter(in = ParameterIn.HEADER, description = "'cookie' to receive the refresh token as a cookie")
            @HeaderParam(RefreshTokenCookie.TRANSPORT_HEADER) String transport,
            @Context HttpServerRequest http) {
        return sessions.login(request, ClientInfo.of(http)).map(tokens -> tokenResponse(tokens, transport));
    }

    @POST
    @Path("/refresh")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rotate a refresh token", description = "Answers a NEW refresh token; the presented one "
            + "is used up. Presenting a used token again (outside the grace window) revokes the whole session. "
            + "Reads the refresh_token cookie when the body has no refresh_token.")
    @APIResponse(responseCode = "200", description = "Tokens",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_refresh_token")
    public Uni<Response> refresh(@Valid Requests.Refresh request,
            @CookieParam(RefreshTokenCookie.NAME) String refreshCookie,
            @HeaderParam(RefreshTokenCookie.TRANSPORT_HEADER) String transport,
            @Context HttpServerRequest http) {
        return refresh(request, refreshCookie, transport, http, false);
    }

    private Uni<Response> refresh(Requests.Refresh request, String refreshCookie, String transport,
            HttpServerRequest http, boolean bodyNotJson) {
        Presented presented = presented(request == null ? null : request.refreshToken(), refreshCookie, http, bodyNotJson);
        // A token that came as a cookie goes back as one: page scripts never see it, whatever the header says.
        String answerTransport = presented.fromCookie() ? RefreshTokenCookie.COOKIE : transport;
        return rotation.refresh(presented.token(), ClientInfo.of(http))
                .map(tokens -> tokenResponse(tokens, answerTransport));
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "End sessions", description = "scope: local (this session, default), global (every "
            + "session of the user) or others (all but this one). The session is named by the refresh token (body "
            + "or cookie) or by a Bearer access token. Unknown or revoked tokens also answer 204.")
    @APIResponse(responseCode = "204", description = "Done (also for an unknown token); clears the cookie")
    @APIResponse(responseCode = "400", description = "validation_failed: unknown scope")
    public Uni<Response> logout(@Valid Requests.Logout request,
            @CookieParam(RefreshTokenCookie.NAME) String refreshCookie,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest http) {
        return logout(request, refreshCookie, authorization, http, false);
    }

    private Uni<Response> logout(Requests.Logout request, String refreshCookie, String authorization,
            HttpServerRequest http, boolean bodyNotJson) {
        String refreshToken = presented(request == null ? null : request.refreshToken(), refreshCookie, http, bodyNotJson)
                .token();
        String accessToken = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
        String scope = request == null ? null : request.scope();
        return sessions.logout(refreshToken, accessToken, scope, ClientInfo.of(http))
                .map(ignored -> Response.noContent().header(HttpHeaders.SET_COOKIE, cookie.clear()).build());
    }

    /** The refresh token of a request, and whether it came as the cookie. */
    private record Presented(String token, boolean fromCookie) {
    }

    /** The body's token wins; the cookie is used only without one, and only from the same site. */
    private Presented presented(String fromBody, String refreshCookie, HttpServerRequest http, boolean bodyNotJson) {
        if (fromBody == null && refreshCookie != null) {
            requireSameSite(http, bodyNotJson);
            return new Presented(refreshCookie, true);
        }
        return new Presented(fromBody, false);
    }

    /**
     * A browser's refresh: no body at all, only the cookie. Every request that is not JSON lands here; one that
     * carries a body (a text/plain or form post, which any site can make without a CORS preflight) is refused
     * when it would act on the cookie.
     */
    @POST
    @Path("/refresh")
    @Operation(hidden = true)
    public Uni<Response> refreshFromCookie(@CookieParam(RefreshTokenCookie.NAME) String refreshCookie,
            @HeaderParam(RefreshTokenCookie.TRANSPORT_HEADER) String transport,
            @Context HttpServerRequest http) {
        return refresh(null, refreshCookie, transport, http, hasBody(http));
    }

    /** A logout without a JSON body: the cookie or the Bearer token names the session (cookie: as above). */
    @POST
    @Path("/logout")
    @Operation(hidden = true)
    public Uni<Response> logoutWithoutBody(@CookieParam(RefreshTokenCookie.NAME) String refreshCookie,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest http) {
        return logout(null, refreshCookie, authorization, http, hasBody(http));
    }

    /**
     * CSRF: the cookie rides along on any request the browser makes, so a cookie-borne refresh or logout must come
     * from our own origin (web/CrossSiteRequests) and carry JSON or nothing. Refused before any work: 403.
     */
    private void requireSameSite(HttpServerRequest http, boolean bodyNotJson) {
        if (bodyNotJson || crossSite.isCrossSite(http)) {
            throw new ProblemException(ErrorCode.FORBIDDEN,
                    "The refresh cookie is accepted only from this service's own pages, with a JSON body or none.");
        }
    }

    /** An empty body is no body; anything declared longer than 0 bytes, or chunked, is one. */
    private static boolean hasBody(HttpServerRequest http) {
        String length = http.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return http.getHeader("Transfer-Encoding") != null;
    }

    private Response tokenResponse(TokenResponse tokens, String transport) {
        return cookie.answer(tokens, transport);
    }
}
