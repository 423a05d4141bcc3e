package dev.keyturn.admin;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.account.StoredRoles;
import dev.keyturn.account.User;
import dev.keyturn.account.UserView;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.PathIds;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

@Path("/admin")
@RolesAllowed(User.ROLE_ADMIN)
@Tag(name = "Administration")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token")
@APIResponse(responseCode = "403", description = "forbidden: the caller is not an admin")
public class AdminResource {

    private final AdminService admin;
    private final StoredRoles storedRoles;
    private final JsonWebToken caller;

    public AdminResource(AdminService admin, StoredRoles storedRoles, JsonWebToken caller) {
        this.admin = admin;
        this.storedRoles = storedRoles;
        this.caller = caller;
    }

    @GET
    @Path("/users")
    @Operation(summary = "Search users", description = "q matches email or username, case-insensitively.")
    @APIResponse(responseCode = "200", description = "A page of users")
    @APIResponse(responseCode = "400", description = "validation_failed: page or size out of range")
    public Uni<Page<UserView>> users(@QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size,
            @QueryParam("q") @Size(max = 254) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String query) {
        return storedRoles.asAdmin(caller, adminId -> admin.users(query, page, size));
    }

    @PUT
    @Path("/users/{id}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a user's roles", description = "Takes effect at the user's next refresh. 'user' is always kept.")
    @APIResponse(responseCode = "200", description = "The user")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<UserView> setRoles(@PathParam("id") String id, @Valid @NotNull RolesRequest request,
            @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> admin.setRoles(adminId, userId(id), request.roles(), ClientInfo.of(http)));
    }

    @POST
    @Path("/users/{id}/disable")
    @Operation(summary = "Disable a user", description = "Revokes every session at once; login answers account_disabled.")
    @APIResponse(responseCode = "200", description = "The user")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<UserView> disable(@PathParam("id") String id, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> admin.disable(adminId, userId(id), ClientInfo.of(http)));
    }

    @POST
    @Path("/users/{id}/enable")
    @Operation(summary = "Enable a disabled user")
    @APIResponse(responseCode = "200", description = "The user")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<UserView> enable(@PathParam("id") String id, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> admin.enable(adminId, userId(id), ClientInfo.of(http)));
    }

    @DELETE
    @Path("/users/{id}")
    @Operation(summary = "Delete a user", description = "Every session ends at once, and the account goes with its "
            + "codes, reset tokens and everything else of it; the audit log keeps a user_deleted event with the id "
            + "only, and the user.deleted webhook goes out. An admin may delete his own account this way too, but "
            + "never the last enabled admin.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "409", description = "last_admin: the account is the only enabled admin")
    public Uni<Response> deleteUser(@PathParam("id") String id) {
        return storedRoles.asAdmin(caller, adminId -> admin.delete(adminId, userId(id))).map(ignored -> Response.noContent().build());
    }

    @DELETE
    @Path("/users/{id}/sessions")
    @Operation(summary = "Revoke every session of a user")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<Response> revokeSessions(@PathParam("id") String id, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> admin.revokeSessions(adminId, userId(id), ClientInfo.of(http)))
                .map(ignored -> Response.noContent().build());
    }

    @GET
    @Path("/audit")
    @Operation(summary = "Audit events, newest first", description = "Filter by user_id and type (e.g. login_failed, "
            + "refresh_token_reuse).")
    @APIResponse(responseCode = "200", description = "A page of events")
    public Uni<Page<AuditEventView>> audit(@QueryParam("user_id") String userId, @QueryParam("type") @Size(max = 64) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String type,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        UUID user = null;
        if (userId != null && !userId.isBlank()) {
            try {
                user = UUID.fromString(userId.trim());
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("user_id", "must be a UUID");
            }
        }
        UUID filter = user;
        return storedRoles.asAdmin(caller, adminId -> admin.audit(filter, type, page, size));
    }

    private static UUID userId(String id) {
        return PathIds.uuid(id, "No such user.");
    }
}
