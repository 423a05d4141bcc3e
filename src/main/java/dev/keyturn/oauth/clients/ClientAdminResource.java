package dev.keyturn.oauth.clients;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import dev.keyturn.account.StoredRoles;
import dev.keyturn.account.User;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** {@code /admin/clients}: registered OAuth clients (docs/api.md, "OAuth 2.0 token endpoint and clients"). */
@Path("/admin/clients")
@RolesAllowed(User.ROLE_ADMIN)
@Tag(name = "OAuth clients")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token")
@APIResponse(responseCode = "403", description = "forbidden: the caller is not an admin now")
public class ClientAdminResource {

    private final ClientRegistry registry;
    private final StoredRoles storedRoles;
    private final JsonWebToken caller;

    public ClientAdminResource(ClientRegistry registry, StoredRoles storedRoles, JsonWebToken caller) {
        this.registry = registry;
        this.storedRoles = storedRoles;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a client", description = "A confidential client's first secret is in the answer, "
            + "this once (client_secret); only its SHA-256 digest is kept. client_id is generated when absent.")
    @APIResponse(responseCode = "201", description = "The client", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClientView.class)))
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "409", description = "client_id_taken")
    public Uni<Response> create(@Valid @NotNull ClientRequest request, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.create(request, adminId, ClientInfo.of(http)))
                .map(view -> Response.created(URI.create("/admin/clients/" + view.clientId())).entity(view).build());
    }

    @GET
    @Operation(summary = "List clients", description = "Oldest first; secrets appear by id and age only.")
    @APIResponse(responseCode = "200", description = "Every registered client")
    public Uni<List<ClientView>> list() {
        return storedRoles.asAdmin(caller, adminId -> registry.list());
    }

    @GET
    @Path("/{client_id}")
    @Operation(summary = "Read a client")
    @APIResponse(responseCode = "200", description = "The client")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<ClientView> get(@PathParam("client_id") String clientId) {
        return storedRoles.asAdmin(caller, adminId -> registry.get(clientId));
    }

    @PUT
    @Path("/{client_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a client's settings", description = "The same body as for registration; client_id "
            + "and type cannot change. enabled: false revokes the client's sessions and refuses it at the token endpoint.")
    @APIResponse(responseCode = "200", description = "The client")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "409", description = "client_managed_by_configuration")
    public Uni<ClientView> update(@PathParam("client_id") String clientId, @Valid @NotNull ClientRequest request,
            @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.update(clientId, request, adminId, ClientInfo.of(http)));
    }

    @DELETE
    @Path("/{client_id}")
    @Operation(summary = "Delete a client", description = "Its secrets go, and its sessions are revoked at once.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "409", description = "client_managed_by_configuration")
    public Uni<Response> delete(@PathParam("client_id") String clientId, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.delete(clientId, adminId, ClientInfo.of(http)))
                .map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{client_id}/secrets")
    @Operation(summary = "Add a secret", description = "For rotation: the new secret is in the answer, this once, and "
            + "the old one stays valid until it is deleted. At most two are live.")
    @APIResponse(responseCode = "201", description = "The new secret (id, created_at, client_secret)")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "409", description = "too_many_secrets or client_managed_by_configuration")
    public Uni<Response> addSecret(@PathParam("client_id") String clientId, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.addSecret(clientId, adminId, ClientInfo.of(http)))
                .map(secret -> Response.created(URI.create("/admin/clients/" + clientId + "/secrets/" + secret.id()))
                        .entity(secret).build());
    }

    @DELETE
    @Path("/{client_id}/secrets/{secret_id}")
    @Operation(summary = "Delete a secret", description = "Requests with it fail at once.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<Response> deleteSecret(@PathParam("client_id") String clientId, @PathParam("secret_id") String secretId,
            @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.deleteSecret(clientId, secretId, adminId, ClientInfo.of(http)))
                .map(ignored -> Response.noContent().build());
    }

}
