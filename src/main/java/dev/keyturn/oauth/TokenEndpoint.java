package dev.keyturn.oauth;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.oauth.clients.GrantType;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /oauth/token} (RFC 6749 section 3.2): form-encoded, answers JSON, errors in section 5.2's shape
 * ({@link OAuthError}), never cached (Cache-Control: no-store from configuration for every /oauth answer, and Pragma).
 */
@Path("/oauth/token")
@Tag(name = "OAuth")
@Produces(MediaType.APPLICATION_JSON)
public class TokenEndpoint {

    private final ClientAuthentication authentication;
    private final TokenGrants grants;

    public TokenEndpoint(ClientAuthentication authentication, TokenGrants grants) {
        this.authentication = authentication;
        this.grants = grants;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Token endpoint (RFC 6749)", description = "grant_type password (username = the email, "
            + "password, scope?), refresh_token (refresh_token, scope?: rotates exactly as /auth/refresh), "
            + "client_credentials (scope?) or urn:keyturn:params:oauth:grant-type:mfa (mfa_token and one of otp, "
            + "recovery_code, credential: the second step of a password grant that answered mfa_required). Client "
            + "authentication: client_secret_basic, client_secret_post, private_key_jwt (RFC 7523), or client_id alone "
            + "for a public client. Errors are RFC 6749 section 5.2 JSON.")
    @APIResponse(responseCode = "200", description = "Tokens (no refresh_token for client_credentials)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_request, invalid_grant, unsupported_grant_type, "
            + "invalid_scope or unauthorized_client", content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OAuthError.Body.class)))
    @APIResponse(responseCode = "401", description = "invalid_client, with WWW-Authenticate: Basic", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OAuthError.Body.class)))
    @APIResponse(responseCode = "403", description = "mfa_required: the password is right and the account has a second "
            + "factor; the body adds mfa_token, mfa_expires_in, mfa_methods and (with a passkey) public_key",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OAuthError.Body.class)))
    @APIResponse(responseCode = "429", description = "rate_limited, with Retry-After", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OAuthError.Body.class)))
    public Uni<Response> token(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServerRequest http) {
        ClientInfo from = ClientInfo.of(http);
        return Uni.createFrom().deferred(() -> {
            GrantType grant = TokenGrants.grantType(form);
            return authentication.authenticate(form, authorization)
                    .chain(client -> grants.grant(grant, client, form, from));
        }).map(tokens -> Response.ok(tokens).header("Pragma", "no-cache").build())
                .onFailure().recoverWithItem(OAuthError::toResponse);
    }

    /** Anything but a form: RFC 6749's error, not the problem details of the other routes. */
    @POST
    @Operation(hidden = true)
    public Response notAForm() {
        return OAuthError.invalidRequest("The token endpoint takes application/x-www-form-urlencoded.").response();
    }
}
