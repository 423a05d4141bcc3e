package dev.keyturn.account;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

@Path("/auth")
@Tag(name = "Accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class VerificationResource {

    private final EmailVerification verification;

    public VerificationResource(EmailVerification verification) {
        this.verification = verification;
    }

    @POST
    @Path("/verify-email")
    @Operation(summary = "Verify an email with the code sent by mail")
    @APIResponse(responseCode = "200", description = "The verified user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "invalid_code: wrong, expired or burnt by 5 wrong tries; "
            + "validation_failed")
    public Uni<UserView> verify(@Valid @NotNull AccountRequests.VerifyEmail request, @Context HttpServerRequest http) {
        return verification.verify(request.email(), request.code(), ClientInfo.of(http)).map(UserView::of);
    }

    @POST
    @Path("/resend-verification")
    @Operation(summary = "Mail a new verification code", description = "Same answer whether or not the account "
            + "exists. At most 3 an hour and 15 minutes apart per account.")
    @APIResponse(responseCode = "202", description = "Accepted")
    @APIResponse(responseCode = "429", description = "rate_limited (existing unverified account only), with Retry-After")
    public Uni<Response> resend(@Valid @NotNull AccountRequests.EmailOnly request, @Context HttpServerRequest http) {
        return verification.resend(request.email(), ClientInfo.of(http))
                .map(ignored -> Response.accepted(Map.of()).build());
    }
}
