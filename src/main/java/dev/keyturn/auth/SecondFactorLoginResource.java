package dev.keyturn.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.mfa.MfaViews;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The logins that end with a second factor: the second step after {@code mfa_required}, and the passwordless login
 * with a passkey. Both answer the tokens object, in the body or (header {@code X-Refresh-Token-Transport: cookie}) with
 * the refresh token as the cookie, as {@code POST /auth/login} does.
 */
@Path("/auth")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SecondFactorLoginResource {

    private final SecondFactorLogins logins;
    private final RefreshTokenCookie cookie;
    private final IssuedFor firstParty;

    public SecondFactorLoginResource(SecondFactorLogins logins, RefreshTokenCookie cookie, TokenConfig config) {
        this.logins = logins;
        this.cookie = cookie;
        this.firstParty = IssuedFor.firstParty(config);
    }

    @POST
    @Path("/login/mfa")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in, second step", description = "After 403 mfa_required: the mfa_token it carried and "
            + "exactly one of code (TOTP), recovery_code and credential (a passkey's AuthenticationResponseJSON for the "
            + "answer's public_key options). The token is good for 5 minutes and 5 wrong tries. The access token says "
            + "amr [pwd, otp|hwk|swk, mfa], acr mfa.")
    @APIResponse(responseCode = "200", description = "Tokens",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_code, invalid_passkey or validation_failed")
    @APIResponse(responseCode = "401", description = "invalid_mfa_token: unknown, expired, used or out of tries")
    @APIResponse(responseCode = "403", description = "account_disabled")
    @APIResponse(responseCode = "429", description = "rate_limited: second-factor tries of the account")
    public Uni<Response> secondStep(@Valid @NotNull Requests.LoginSecondFactor request,
            @HeaderParam(RefreshTokenCookie.TRANSPORT_HEADER) String transport, @Context HttpServerRequest http) {
        return logins.complete(request.mfaToken(), request.proof(), firstParty, ClientInfo.of(http))
                .map(tokens -> cookie.answer(tokens, transport));
    }

    @POST
    @Path("/passkey/options")
    @Operation(summary = "Options for a passwordless login", description = "PublicKeyCredentialRequestOptionsJSON for "
            + "navigator.credentials.get() (any discoverable passkey of this service, user verification required), "
            + "with a challenge good for 5 minutes.")
    @APIResponse(responseCode = "200", description = "Options", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.PasskeyOptions.class)))
    @APIResponse(responseCode = "429", description = "rate_limited: passkey logins from the client address")
    public Uni<MfaViews.PasskeyOptions> passkeyOptions(@Context HttpServerRequest http) {
        return logins.passkeyOptions(ClientInfo.of(http));
    }

    @POST
    @Path("/passkey/login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in with a passkey", description = "The authenticator's AuthenticationResponseJSON for "
            + "the options of POST /auth/passkey/options. The passkey, with user verification, is both factors: the "
            + "access token says amr [hwk|swk, mfa], acr mfa.")
    @APIResponse(responseCode = "200", description = "Tokens",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_passkey (unknown passkey, challenge, origin, relying "
            + "party, signature, counter) or validation_failed")
    @APIResponse(responseCode = "403", description = "account_disabled or email_not_verified")
    @APIResponse(responseCode = "429", description = "rate_limited")
    public Uni<Response> passkeyLogin(@Valid @NotNull Requests.PasskeyLogin request,
            @HeaderParam(RefreshTokenCookie.TRANSPORT_HEADER) String transport, @Context HttpServerRequest http) {
        return logins.passkey(request.credential(), firstParty, ClientInfo.of(http))
                .map(tokens -> cookie.answer(tokens, transport));
    }
}
