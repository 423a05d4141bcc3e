package dev.keyturn.auth;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.PathIds;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** One's own sessions: list them, end one. */
@Path("/users/me/sessions")
@Authenticated
@Tag(name = "Sessions")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token")
public class SessionResource {

    private final SessionService sessions;
    private final JsonWebToken caller;

    public SessionResource(SessionService sessions, JsonWebToken caller) {
        this.sessions = sessions;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The caller's active sessions", description = "'current' marks the session of this access token.")
    @APIResponse(responseCode = "200", description = "Sessions, most recently used first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionView[].class)))
    public Uni<List<SessionView>> list() {
        return sessions.activeSessions(userId(), UUID.fromString(caller.getClaim("sid")));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "End one of the caller's sessions")
    @APIResponse(responseCode = "204", description = "Ended")
    @APIResponse(responseCode = "404", description = "not_found: no such active session of the caller")
    public Uni<Response> end(@PathParam("id") String id, @Context HttpServerRequest http) {
        return sessions.endOwnSession(userId(), PathIds.uuid(id, "No such session."), ClientInfo.of(http))
                .map(ignored -> Response.noContent().build());
    }

    private UUID userId() {
        return UUID.fromString(caller.getSubject());
    }
}
