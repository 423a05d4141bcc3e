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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

@Path("/auth/password")
@Tag(name = "Accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PasswordResource {

    private final PasswordService passwords;

    public PasswordResource(PasswordService passwords) {
        this.passwords = passwords;
    }

    @POST
    @Path("/forgot")
    @Operation(summary = "Mail a password-reset token", description = "Same answer whether or not the account "
            + "exists. The token works once, for 30 minutes.")
    @APIResponse(responseCode = "202", description = "Accepted")
    public Uni<Response> forgot(@Valid @NotNull AccountRequests.EmailOnly request, @Context HttpServerRequest http) {
        return passwords.forgot(request.email(), ClientInfo.of(http)).map(ignored -> Response.accepted(Map.of()).build());
    }

    @POST
    @Path("/reset")
    @Operation(summary = "Set a new password with a reset token", description = "Revokes every session of the user.")
    @APIResponse(responseCode = "204", description = "Done")
    @APIResponse(responseCode = "400", description = "invalid_reset_token, weak_password or validation_failed")
    public Uni<Response> reset(@Valid @NotNull AccountRequests.ResetPassword request, @Context HttpServerRequest http) {
        return passwords.reset(request.token(), request.newPassword(), ClientInfo.of(http))
                .map(ignored -> Response.noContent().build());
    }
}
