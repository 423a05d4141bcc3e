package dev.keyturn.webhook;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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
import jakarta.ws.rs.core.HttpHeaders;
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
import dev.keyturn.web.PathIds;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** {@code /admin/webhooks}: endpoints that receive Keyturn's events (docs/api.md, "Webhooks"). */
@Path("/admin/webhooks")
@RolesAllowed(User.ROLE_ADMIN)
@Tag(name = "Webhooks")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token")
@APIResponse(responseCode = "403", description = "forbidden: the caller is not an admin now")
public class WebhookAdminResource {

    private final WebhookRegistry registry;
    private final StoredRoles storedRoles;
    private final JsonWebToken caller;

    public WebhookAdminResource(WebhookRegistry registry, StoredRoles storedRoles, JsonWebToken caller) {
        this.registry = registry;
        this.storedRoles = storedRoles;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an endpoint", description = "url (http or https), events (user.created, "
            + "user.verified, user.disabled, user.deleted, password.changed, session.revoked, session.reuse_detected, "
            + "login.failed_burst, mfa.<name>, mfa.* or *), description, enabled (default true), and secret: the "
            + "Standard Webhooks signing secret (whsec_ + base64 of 24 to 64 bytes), made by the service when absent "
            + "and shown in this answer only.")
    @APIResponse(responseCode = "201", description = "The endpoint, with its secret this once", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Endpoint.class)))
    @APIResponse(responseCode = "400", description = "validation_failed: a bad url (or one of a private address "
            + "where those are refused), an unknown event type, a secret not of the whsec_ form")
    public Uni<Response> create(@Valid @NotNull WebhookRequests.Endpoint request, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.create(request, adminId, ClientInfo.of(http)))
                .map(view -> Response.created(URI.create("/admin/webhooks/" + view.id())).entity(view).build());
    }

    @GET
    @Operation(summary = "List endpoints", description = "Oldest first, each with its backlog (pending_messages); "
            + "never a secret.")
    @APIResponse(responseCode = "200", description = "Every endpoint")
    public Uni<List<WebhookViews.Endpoint>> list() {
        return storedRoles.asAdmin(caller, adminId -> registry.list());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read an endpoint")
    @APIResponse(responseCode = "200", description = "The endpoint", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Endpoint.class)))
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<WebhookViews.Endpoint> get(@PathParam("id") String id) {
        return storedRoles.asAdmin(caller, adminId -> registry.get(endpointId(id)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an endpoint's settings", description = "The same body as for registration, without "
            + "secret (POST /admin/webhooks/{id}/secret rotates it). enabled: false stops new events for it; messages "
            + "already queued wait, up to the retry period, until it is enabled again.")
    @APIResponse(responseCode = "200", description = "The endpoint")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<WebhookViews.Endpoint> update(@PathParam("id") String id, @Valid @NotNull WebhookRequests.Endpoint request,
            @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.update(endpointId(id), request, adminId, ClientInfo.of(http)));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an endpoint", description = "With its undelivered messages and its delivery log.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<Response> delete(@PathParam("id") String id, @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.delete(endpointId(id), adminId, ClientInfo.of(http)))
                .map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rotate the signing secret", description = "Optional body {\"secret\", "
            + "\"previous_secret_expires_in\"}: the new secret (made by the service when absent) is in the answer, this "
            + "once; the old one keeps signing beside it (a second signature in webhook-signature) for "
            + "previous_secret_expires_in seconds, 86400 by default, 0 to end it at once.")
    @APIResponse(responseCode = "200", description = "The endpoint, with its new secret this once")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<WebhookViews.Endpoint> rotateSecret(@PathParam("id") String id, @Valid WebhookRequests.SecretRotation rotation,
            @Context HttpServerRequest http) {
        return storedRoles.asAdmin(caller, adminId -> registry.rotateSecret(endpointId(id), rotation, adminId, ClientInfo.of(http)));
    }

    /** A rotation without a body: a secret made by the service, the old one signing for a day. */
    @POST
    @Path("/{id}/secret")
    @Operation(hidden = true)
    public Uni<WebhookViews.Endpoint> rotateSecretWithoutBody(@PathParam("id") String id, @Context HttpServerRequest http) {
        String length = http.getHeader(HttpHeaders.CONTENT_LENGTH);
        if ((length != null && !length.trim().equals("0")) || (length == null && http.getHeader("Transfer-Encoding") != null)) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The body must be JSON.");
        }
        return rotateSecret(id, null, http);
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The endpoint's delivery log", description = "Every attempt, newest first: event_id (the "
            + "webhook-id), event_type, attempt, attempted_at, duration_ms, status_code, error, outcome (delivered, "
            + "retrying, failed).")
    @APIResponse(responseCode = "200", description = "A page of attempts", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookViews.Deliveries.class)))
    @APIResponse(responseCode = "400", description = "validation_failed: page or size out of range")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<WebhookViews.Deliveries> deliveries(@PathParam("id") String id,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(100) int size) {
        return storedRoles.asAdmin(caller, adminId -> registry.deliveries(endpointId(id), page, size));
    }

    private static UUID endpointId(String id) {
        return PathIds.uuid(id, "No such webhook endpoint.");
    }
}
