package dev.keyturn.oauth;

import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.keyturn.db.DatabaseFailures;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An error of the token endpoint in RFC 6749 section 5.2's shape ({@code {"error", "error_description"}}), which
 * OAuth client libraries read, instead of Keyturn's problem details. The description never holds a secret or a
 * token.
 */
public final class OAuthError extends RuntimeException {

    static final String BASIC_CHALLENGE = "Basic realm=\"keyturn\", charset=\"UTF-8\"";

    private final int status;
    private final String error;
    private final Map<String, String> headers;
    private final Map<String, Object> members;

    private OAuthError(int status, String error, String description, Map<String, String> headers) {
        this(status, error, description, headers, Map.of());
    }

    private OAuthError(int status, String error, String description, Map<String, String> headers,
            Map<String, Object> members) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.headers = headers;
        this.members = members;
    }

    /** The JSON body of an error answer. */
    @RegisterForReflection
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "OAuthError",
            description = "RFC 6749 section 5.2 error")
    public record Body(String error, String errorDescription) {
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description, Map.of());
    }

    /** Client authentication failed (unknown client, wrong secret, bad assertion, none where one is needed). */
    public static OAuthError invalidClient(String description) {
        return new OAuthError(401, "invalid_client", description, Map.of(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE));
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description, Map.of());
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description, Map.of());
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError(400, "unsupported_grant_type", description, Map.of());
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description, Map.of());
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }

    Response response() {
        Object body = new Body(error, getMessage());
        if (!members.isEmpty()) {
            // further members a client needs to go on, beside RFC 6749's two (RFC 6749 section 5.2 allows them)
            Map<String, Object> extended = new java.util.LinkedHashMap<>();
            extended.put("error", error);
            extended.put("error_description", getMessage());
            extended.putAll(members);
            body = extended;
        }
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Pragma", "no-cache")
                .entity(body);
        headers.forEach(response::header);
        return response.build();
    }

    /**
     * The token endpoint's answer to a failure of the shared login and rotation code, whose refusals are problem
     * exceptions: a refused grant is {@code invalid_grant} whatever the reason, so the answer tells no more than
     * {@code /auth/login}'s does. Anything unexpected stays a failure, for the problem mappers' 500 and its log.
     */
    static Response toResponse(Throwable failure) {
        if (failure instanceof OAuthError oauth) {
            return oauth.response();
        }
        if (failure instanceof ProblemException problem) {
            return switch (problem.code()) {
                case INVALID_CREDENTIALS -> invalidGrant("The username or password is wrong.").response();
                case INVALID_REFRESH_TOKEN -> invalidGrant("The refresh token is invalid, expired or revoked.").response();
                case EMAIL_NOT_VERIFIED -> invalidGrant("The account's email is not verified yet.").response();
                case ACCOUNT_DISABLED -> invalidGrant("This account is disabled.").response();
                case INVALID_CODE -> invalidGrant("The code is wrong, expired or used up.").response();
                case INVALID_PASSKEY -> invalidGrant(problem.getMessage()).response();
                case INVALID_MFA_TOKEN -> invalidGrant("The mfa_token is unknown, expired, used or out of tries: "
                        + "start again with the password grant.").response();
                // The password was right and a second factor is needed: 403 and the mfa_token of the next step, as
                // the password grant of other servers with MFA answers it.
                case MFA_REQUIRED -> new OAuthError(403, "mfa_required", problem.getMessage(), Map.of(),
                        problem.members()).response();
                case INVALID_CLIENT -> invalidClient("Client authentication failed.").response();
                case VALIDATION_FAILED, MALFORMED_REQUEST -> invalidRequest(problem.getMessage()).response();
                // RFC 6749 names no error for these; the status and Retry-After are what clients act on.
                case RATE_LIMITED -> withHeaders(new OAuthError(429, "rate_limited", problem.getMessage(), Map.of()),
                        problem.headers());
                case UNAVAILABLE -> unavailable();
                default -> throw problem;
            };
        }
        if (DatabaseFailures.isUnavailable(failure)) {
            return unavailable();
        }
        throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }

    private static Response withHeaders(OAuthError error, Map<String, String> headers) {
        Response.ResponseBuilder response = Response.fromResponse(error.response());
        headers.forEach(response::header);
        return response.build();
    }

    private static Response unavailable() {
        return Response.fromResponse(new OAuthError(503, "temporarily_unavailable",
                "The service is temporarily unavailable. Try again shortly.", Map.of()).response())
                .header(HttpHeaders.RETRY_AFTER, "1").build();
    }
}
