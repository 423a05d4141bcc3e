package dev.keyturn.mfa;

import java.net.URI;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/** One's own second factors: {@code /users/me/mfa}. */
@Path("/users/me/mfa")
@Authenticated
@Tag(name = "Second factors")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "invalid_token; insufficient_user_authentication (RFC 9470, with "
        + "WWW-Authenticate): the change needs a recent second factor (or, for an account without one, a recent login)")
public class MfaResource {

    private final SecondFactors factors;
    private final TotpEnrolment totp;
    private final PasskeyEnrolment passkeys;
    private final JsonWebToken caller;

    public MfaResource(SecondFactors factors, TotpEnrolment totp, PasskeyEnrolment passkeys, JsonWebToken caller) {
        this.factors = factors;
        this.totp = totp;
        this.passkeys = passkeys;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "One's second factors", description = "Whether MFA is on, the factors (TOTP authenticators "
            + "and passkeys, confirmed or not), and how many recovery codes are left.")
    @APIResponse(responseCode = "200", description = "The factors", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.Status.class)))
    public Uni<MfaViews.Status> status() {
        return factors.status(caller().userId());
    }

    @POST
    @Path("/totp")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enrol a TOTP authenticator", description = "Answers the secret, an otpauth:// URI and a QR "
            + "code (SVG data URI), shown this once; the factor counts once confirmed with a first code (POST "
            + "/users/me/mfa/totp/{id}/confirm) within 15 minutes. Needs a recent login, or a recent second factor when "
            + "the account has one.")
    @APIResponse(responseCode = "201", description = "Enrolment started", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.TotpEnrolment.class)))
    @APIResponse(responseCode = "400", description = "validation_failed")
    public Uni<Response> enrolTotp(@Valid MfaRequests.Enrol request) {
        return totp.enrol(caller(), request == null ? null : request.name())
                .map(enrolment -> Response.created(URI.create("/users/me/mfa/factors/" + enrolment.id()))
                        .entity(enrolment).build());
    }

    @POST
    @Path("/totp/{id}/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Confirm a TOTP authenticator with its first code", description = "Turns MFA on. The "
            + "account's first factor comes with 10 single-use recovery codes, shown this once. This session becomes "
            + "multi-factor (refresh to get tokens that say so); the account's other sessions end.")
    @APIResponse(responseCode = "200", description = "Confirmed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.Enrolled.class)))
    @APIResponse(responseCode = "400", description = "invalid_code or validation_failed")
    @APIResponse(responseCode = "404", description = "not_found: no such pending factor, or it expired")
    @APIResponse(responseCode = "409", description = "factor_already_confirmed")
    @APIResponse(responseCode = "429", description = "rate_limited: second-factor tries of the account")
    public Uni<MfaViews.Enrolled> confirmTotp(@PathParam("id") String id, @Valid @NotNull MfaRequests.Confirm request,
            @Context HttpServerRequest http) {
        return totp.confirm(caller(), factorId(id), request.code(), ClientInfo.of(http));
    }

    @POST
    @Path("/passkeys/options")
    @Operation(summary = "Options to register a passkey", description = "PublicKeyCredentialCreationOptionsJSON for "
            + "navigator.credentials.create() (or a platform passkey API), with a challenge good for 5 minutes. Needs "
            + "a recent login, or a recent second factor when the account has one.")
    @APIResponse(responseCode = "200", description = "Options", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.PasskeyOptions.class)))
    public Uni<MfaViews.PasskeyOptions> passkeyOptions() {
        return passkeys.options(caller());
    }

    @POST
    @Path("/passkeys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a passkey", description = "The authenticator's RegistrationResponseJSON for the "
            + "options of POST /users/me/mfa/passkeys/options. Turns MFA on (the first factor comes with recovery "
            + "codes); the passkey also serves passwordless login.")
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.Enrolled.class)))
    @APIResponse(responseCode = "400", description = "invalid_passkey (challenge, origin, relying party, signature) "
            + "or validation_failed")
    public Uni<Response> registerPasskey(@Valid @NotNull MfaRequests.RegisterPasskey request,
            @Context HttpServerRequest http) {
        return passkeys.register(caller(), request.name(), request.credential(), ClientInfo.of(http))
                .map(enrolled -> Response.created(URI.create("/users/me/mfa/factors/" + enrolled.factor().id()))
                        .entity(enrolled).build());
    }

    @DELETE
    @Path("/factors/{id}")
    @Operation(summary = "Remove a factor", description = "Needs a second factor proved within the step-up window "
            + "(POST /auth/step-up). Removing the last factor turns MFA off and deletes the recovery codes; the "
            + "account's other sessions end.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "not_found")
    public Uni<Response> remove(@PathParam("id") String id, @Context HttpServerRequest http) {
        return factors.remove(caller(), factorId(id), ClientInfo.of(http)).map(ignored -> Response.noContent().build());
    }

    @POST
    @Path("/recovery-codes")
    @Operation(summary = "New recovery codes", description = "Ten new single-use codes replace the old ones, shown "
            + "this once. Needs a second factor proved within the step-up window.")
    @APIResponse(responseCode = "200", description = "The codes", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MfaViews.RecoveryCodeList.class)))
    @APIResponse(responseCode = "400", description = "no_second_factor")
    public Uni<MfaViews.RecoveryCodeList> regenerateRecoveryCodes(@Context HttpServerRequest http) {
        return factors.regenerateRecoveryCodes(caller(), ClientInfo.of(http));
    }

    private SecondFactors.Caller caller() {
        return SecondFactors.Caller.of(caller);
    }

    private static UUID factorId(String id) {
        return PathIds.uuid(id, "No such factor.");
    }
}
