package dev.keyturn.mfa;


import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.web.ClientInfo;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Step-up (RFC 9470): prove a second factor again within a session, for the routes that ask for a recent one. */
@Path("/auth/step-up")
@Authenticated
@Tag(name = "Second factors")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token")
public class StepUpResource {

    private final StepUpService stepUps;
    private final JsonWebToken caller;

    public StepUpResource(StepUpService stepUps, JsonWebToken caller) {
        this.stepUps = stepUps;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Step up with a second factor", description = "Exactly one of code (TOTP), recovery_code and "
            + "credential (a passkey's AuthenticationResponseJSON for the options of POST /auth/step-up/options). The "
            + "session becomes multi-factor as of now (acr mfa, a new auth_time), and its refreshes keep that; a "
            + "session of the JSON routes gets a new access token in the answer.")
    @APIResponse(responseCode = "200", description = "Stepped up", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StepUpService.SteppedUp.class)))
    @APIResponse(responseCode = "400", description = "invalid_code, invalid_passkey, no_second_factor or validation_failed")
    @APIResponse(responseCode = "429", description = "rate_limited: second-factor tries of the account")
    public Uni<StepUpService.SteppedUp> stepUp(@Valid @NotNull MfaRequests.SecondFactorProof request,
            @Context HttpServerRequest http) {
        return stepUps.stepUp(caller(), request.proof(), ClientInfo.of(http));
    }

    @POST
    @Path("/options")
    @Operation(summary = "Options to step up with a passkey", description = "PublicKeyCredentialRequestOptionsJSON "
            + "naming the account's passkeys, with a challenge good for 5 minutes.")
    @APIResponse(responseCode = "200", description = "Options", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.PasskeyOptions.class)))
    @APIResponse(responseCode = "400", description = "no_second_factor: the account has no passkey")
    public Uni<MfaViews.PasskeyOptions> options() {
        return stepUps.passkeyOptions(caller());
    }

    private SecondFactors.Caller caller() {
        return SecondFactors.Caller.of(caller);
    }
}
