package dev.keyturn.account;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
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

@Path("/auth/signup")
@Tag(name = "Accounts")
public class SignupResource {

    private final AccountService accounts;

    public SignupResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an account", description = "Creates a user with role 'user'. Unknown fields, "
            + "a 'roles' field included, are rejected.")
    @APIResponse(responseCode = "201", description = "The new user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "validation_failed, weak_password or malformed_request")
    @APIResponse(responseCode = "409", description = "email_taken or username_taken")
    @APIResponse(responseCode = "415", description = "unsupported_media_type")
    public Uni<Response> signup(@Valid @NotNull SignupRequest request, @Context HttpServerRequest http) {
        return accounts.signup(request, ClientInfo.of(http))
                .map(user -> Response.status(Response.Status.CREATED)
                        .header(HttpHeaders.LOCATION, "/users/" + user.id)
                        .entity(UserView.of(user))
                        .build());
    }
}
