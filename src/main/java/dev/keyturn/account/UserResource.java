package dev.keyturn.account;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.token.Authentication;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.PathIds;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

@Path("/users")
@Authenticated
@Tag(name = "Users")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token: missing, invalid, expired or revoked access token")
public class UserResource {

    private final AccountService accounts;
    private final PasswordService passwords;
    private final StoredRoles storedRoles;
    private final StepUp stepUp;
    private final AccountDeletion deletion;
    private final JsonWebToken caller;

    public UserResource(AccountService accounts, PasswordService passwords, StoredRoles storedRoles, StepUp stepUp,
            AccountDeletion deletion, JsonWebToken caller) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.storedRoles = storedRoles;
        this.stepUp = stepUp;
        this.deletion = deletion;
        this.caller = caller;
    }

    @PUT
    @Path("/me/password")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change one's password", description = "Needs the current password; revokes every other "
            + "session of the user, this one stays.")
    @APIResponse(responseCode = "204", description = "Changed")
    @APIResponse(responseCode = "400", description = "weak_password or validation_failed")
    @APIResponse(responseCode = "401", description = "invalid_credentials: the current password is wrong; invalid_token; "
            + "insufficient_user_authentication (RFC 9470): the account has a second factor and this session has not "
            + "proved it recently (POST /auth/step-up)")
    public Uni<Response> changePassword(@Valid @NotNull AccountRequests.ChangePassword request,
            @Context HttpServerRequest http) {
        return passwords.change(UUID.fromString(caller.getSubject()), UUID.fromString(caller.getClaim("sid")),
                stepUp.isRecentSecondFactor(Authentication.of(caller)), request.currentPassword(), request.newPassword(),
                ClientInfo.of(http))
                .map(ignored -> Response.noContent().build());
    }

    @DELETE
    @Path("/me")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete one's account", description = "Body {\"password\"}: the current password; an account "
            + "with a second factor needs one proved within the step-up window instead (POST /auth/step-up). Every "
            + "session ends at once, and the account goes with its codes, reset tokens and everything else of it; "
            + "the audit log keeps a user_deleted event with the id only, and the user.deleted webhook goes out. The "
            + "email and username are free again. Tries count in the password-change limit.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", description = "validation_failed: no password (an account without a second factor)")
    @APIResponse(responseCode = "401", description = "invalid_credentials: the password is wrong; invalid_token; "
            + "insufficient_user_authentication: the account has a second factor, not proved recently by this session")
    @APIResponse(responseCode = "409", description = "last_admin: the account is the only enabled admin")
    @APIResponse(responseCode = "429", description = "rate_limited")
    public Uni<Response> deleteMe(@Valid @NotNull AccountRequests.DeleteAccount request) {
        return deletion.deleteOwn(UUID.fromString(caller.getSubject()), UUID.fromString(caller.getClaim("sid")),
                stepUp.isRecentSecondFactor(Authentication.of(caller)), request)
                .map(ignored -> Response.noContent().build());
    }

    @GET
    @Path("/me")
    @Operation(summary = "The calling user")
    @APIResponse(responseCode = "200", description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    public Uni<UserView> me() {
        return user(UUID.fromString(caller.getSubject()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A user by id: one's own, or any for an admin")
    @APIResponse(responseCode = "200", description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "403", description = "forbidden: neither one's own id nor an admin")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<UserView> byId(@PathParam("id") String id) {
        boolean own = id.equals(caller.getSubject());
        if (!own && !caller.getGroups().contains(User.ROLE_ADMIN)) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "You may read only your own account.");
        }
        UUID userId = PathIds.uuid(id, "No such user.");
        // Another user's account: the stored roles must still say admin, not only the token.
        return own ? user(userId) : storedRoles.requireAdmin(caller).chain(() -> user(userId));
    }

    private Uni<UserView> user(UUID id) {
        return accounts.find(id).map(user -> {
            if (user == null) {
                throw new ProblemException(ErrorCode.NOT_FOUND, "No such user.");
            }
            return user;
        });
    }
}
