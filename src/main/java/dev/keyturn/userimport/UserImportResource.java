package dev.keyturn.userimport;

import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.account.StoredRoles;
import dev.keyturn.account.User;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.RequestLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /admin/users/import}: users from another system, with their existing password hashes (docs/api.md). The
 * body is not a parameter of the method: Quarkus REST would read all of it first. It is read here as it arrives, once
 * the caller is known to be an admin now ({@link ImportBody}), within its own size limit
 * ({@code KEYTURN_IMPORT_MAX_BODY_SIZE}, {@link RequestLimits}).
 */
@Path(RequestLimits.IMPORT_PATH)
@RolesAllowed(User.ROLE_ADMIN)
@Tag(name = "Administration")
@SecurityRequirement(name = "SecurityScheme")
public class UserImportResource {

    static final String NDJSON = "application/x-ndjson";

    private final UserImport userImport;
    private final RowChecks checks;
    private final StoredRoles storedRoles;
    private final RequestLimits limits;
    private final ObjectMapper json;
    private final JsonWebToken caller;

    public UserImportResource(UserImport userImport, RowChecks checks, StoredRoles storedRoles, RequestLimits limits,
            ObjectMapper json, JsonWebToken caller) {
        this.userImport = userImport;
        this.checks = checks;
        this.storedRoles = storedRoles;
        this.limits = limits;
        this.json = json;
        this.caller = caller;
    }

    @POST
    @Consumes({ NDJSON, MediaType.APPLICATION_JSON })
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import users", description = "One user per line (application/x-ndjson) or a JSON array "
            + "(application/json), read as it arrives; thousands per request. Each user has a username, an email, and "
            + "a password, an existing password_hash (bcrypt, argon2id, pbkdf2-sha256/512 PHC, {bcrypt-sha256}) or "
            + "Keycloak's credentials. One transaction: a body with an invalid row imports nothing (400, each invalid "
            + "row named) unless partial=true, which imports the valid rows and reports the others. An existing email "
            + "or username is skipped, so a re-run is safe. One audit event (users_imported) per import.")
    @RequestBody(required = true, content = {
            @Content(mediaType = NDJSON, schema = @Schema(implementation = ImportRow.class)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
                    implementation = ImportRow.class)) })
    @APIResponse(responseCode = "200", description = "Counts and one result per row (created, skipped, invalid)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportReport.class)))
    @APIResponse(responseCode = "400", description = "validation_failed: invalid rows (without partial=true), nothing "
            + "imported; malformed_request: not JSON")
    @APIResponse(responseCode = "401", description = "invalid_token")
    @APIResponse(responseCode = "403", description = "forbidden: the caller is not an admin")
    @APIResponse(responseCode = "413", description = "payload_too_large: over KEYTURN_IMPORT_MAX_BODY_SIZE; split it")
    @APIResponse(responseCode = "415", description = "unsupported_media_type")
    public Uni<ImportReport> importUsers(
            @Parameter(description = "import the valid rows and report the invalid ones, instead of importing nothing")
            @QueryParam("partial") @DefaultValue("false") boolean partial,
            @Context HttpServerRequest http) {
        boolean array = !isNdjson(http.getHeader(HttpHeaders.CONTENT_TYPE));
        ClientInfo client = ClientInfo.of(http);
        return storedRoles.asAdmin(caller, adminId -> ImportBody.read(http, array, limits.maxImportBodySize(), json, checks)
                .chain(rows -> userImport.run(rows, partial, adminId, client)));
    }

    private static boolean isNdjson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(NDJSON);
    }
}
