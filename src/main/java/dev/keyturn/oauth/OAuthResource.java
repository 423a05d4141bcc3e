package dev.keyturn.oauth;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The standard OAuth token endpoints, form-encoded as their RFCs require: revocation (RFC 7009) and introspection
 * (RFC 7662). They live with the sessions because revoking a token ends a session and introspecting one reads it.
 * Errors are Keyturn's problem responses (a missing {@code token} is 400 {@code validation_failed}, where the RFCs'
 * own error format would say {@code invalid_request}).
 */
@Path("/oauth")
@Tag(name = "OAuth")
@Produces(MediaType.APPLICATION_JSON)
public class OAuthResource {

    private final TokenRevocation revocation;
    private final TokenIntrospection introspection;
    private final IntrospectionAccess access;
    private final ClientAuthentication clients;

    public OAuthResource(TokenRevocation revocation, TokenIntrospection introspection, IntrospectionAccess access,
            ClientAuthentication clients) {
        this.revocation = revocation;
        this.introspection = introspection;
        this.access = access;
        this.clients = clients;
    }

    @POST
    @Path("/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Revoke a token (RFC 7009)", description = "A refresh token ends its whole session (every token "
            + "of the family and the session's access tokens); an access token ends its session too. Unknown, invalid, "
            + "expired and already revoked tokens also answer 200. token_type_hint is accepted and not needed. A registered "
            + "client may authenticate (client_secret_basic, client_secret_post, private_key_jwt) and then revokes only "
            + "the tokens issued to it; without credentials, holding the token is enough.")
    @APIResponse(responseCode = "200", description = "Done, or nothing to do")
    @APIResponse(responseCode = "400", description = "validation_failed: no token (a problem); unauthorized_client: "
            + "an authenticated client's request for a token issued to another client (RFC 6749 error JSON)")
    @APIResponse(responseCode = "401", description = "invalid_client: client credentials that are wrong (RFC 6749 "
            + "error JSON, WWW-Authenticate: Basic). Client authentication is optional here", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OAuthError.Body.class)))
    @APIResponse(responseCode = "415", description = "unsupported_media_type: not application/x-www-form-urlencoded")
    public Uni<Response> revoke(@FormParam("token") String token, @FormParam("token_type_hint") String tokenTypeHint,
            @FormParam("client_id") String clientId, @FormParam("client_secret") String clientSecret,
            @FormParam("client_assertion_type") String assertionType, @FormParam("client_assertion") String assertion,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest http) {
        requireToken(token);
        MultivaluedMap<String, String> credentials = new MultivaluedHashMap<>();
        put(credentials, "client_id", clientId);
        put(credentials, "client_secret", clientSecret);
        put(credentials, "client_assertion_type", assertionType);
        put(credentials, "client_assertion", assertion);
        ClientInfo from = ClientInfo.of(http);
        return clients.authenticateIfPresent(credentials, authorization)
                .chain(caller -> revocation.revoke(token, caller, from))
                .map(ignored -> noStore(Response.ok()).build())
                // a client's failure is answered as RFC 7009 section 2.2.1 says: RFC 6749's error JSON
                .onFailure(OAuthError.class).recoverWithItem(OAuthError::toResponse);
    }

    private static void put(MultivaluedMap<String, String> form, String name, String value) {
        if (value != null) {
            form.add(name, value);
        }
    }

    @POST
    @Path("/introspect")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @SecurityRequirement(name = "SecurityScheme")
    @Operation(summary = "Introspect a token (RFC 7662)", description = "For an admin (Bearer access token) or a "
            + "configured introspection client or a registered confidential client (HTTP Basic). Answers {\"active\": false} for any token that is not "
            + "usable right now; a refresh token is active only while it is its session's current token (or the "
            + "parent of it within the grace window). token_type_hint is accepted and not needed.")
    @APIResponse(responseCode = "200", description = "The token's state", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Introspection.class)))
    @APIResponse(responseCode = "400", description = "validation_failed: no token")
    @APIResponse(responseCode = "401", description = "invalid_token (no or bad access token) or invalid_credentials "
            + "(wrong client id or secret)")
    @APIResponse(responseCode = "403", description = "forbidden: an access token whose account is not an admin now")
    @APIResponse(responseCode = "415", description = "unsupported_media_type: not application/x-www-form-urlencoded")
    public Uni<Response> introspect(@FormParam("token") String token, @FormParam("token_type_hint") String tokenTypeHint,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return access.requireCaller(authorization).chain(() -> {
            requireToken(token);
            return introspection.introspect(token);
        }).map(answer -> noStore(Response.ok(answer)).build());
    }

    /** No token of ours is this long (the JSON routes draw the same line): a longer one is refused, not looked up. */
    static final int MAX_TOKEN_LENGTH = 4096;

    private static void requireToken(String token) {
        if (token == null || token.isBlank()) {
            throw ProblemException.validation("token", "must not be blank");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw ProblemException.validation("token", "must be at most " + MAX_TOKEN_LENGTH + " characters");
        }
    }

    /**
     * Token state must never be served from a cache (RFC 7662 section 2.2 by analogy with RFC 6749 section 5.1):
     * Cache-Control: no-store comes from configuration (quarkus.http.filter.no-store) for every /oauth answer.
     */
    private static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.header("Pragma", "no-cache");
    }
}
