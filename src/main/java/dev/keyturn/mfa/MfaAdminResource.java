package dev.keyturn.mfa;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.PathIds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** An admin's reset of a user's second factors, for the user who lost every factor and every recovery code. */
@Path("/admin/users/{id}/mfa")
@RolesAllowed(User.ROLE_ADMIN)
@Tag(name = "Administration")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token; insufficient_user_authentication when "
        + "KEYTURN_ADMIN_REQUIRE_MFA asks admins for a recent second factor")
@APIResponse(responseCode = "403", description = "forbidden: the caller's stored roles do not include admin")
public class MfaAdminResource {

    private final SecondFactors factors;
    private final StoredRoles storedRoles;
    private final JsonWebToken caller;

    public MfaAdminResource(SecondFactors factors, StoredRoles storedRoles, JsonWebToken caller) {
        this.factors = factors;
        this.storedRoles = storedRoles;
        this.caller = caller;
    }

    @DELETE
    @Operation(summary = "Remove every second factor of a user", description = "Role admin. Deletes the user's "
            + "factors and recovery codes, turns MFA off and ends every session of the user (audit event mfa_reset).")
    @APIResponse(responseCode = "204", description = "Reset")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<Response> reset(@PathParam("id") String id, @Context HttpServerRequest http) {
        UUID userId = PathIds.uuid(id, "No such user.");
        return storedRoles.asAdmin(caller, adminId -> factors.reset(adminId, userId, ClientInfo.of(http)))
                .map(ignored -> Response.noContent().build());
    }
}
