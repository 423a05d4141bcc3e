package dev.keyturn.web.problem;

import jakarta.ws.rs.core.Response.Status;

/** The stable machine-readable {@code code} of every problem response (docs/api.md, "Errors"). */
public enum ErrorCode {
    MALFORMED_REQUEST(400),
    VALIDATION_FAILED(400),
    WEAK_PASSWORD(400),
    INVALID_CODE(400),
    INVALID_RESET_TOKEN(400),
    /** a passkey ceremony's answer does not verify (signature, challenge, origin, relying party, counter) */
    INVALID_PASSKEY(400),
    /** the account has no confirmed second factor for this (a step-up, recovery codes) */
    NO_SECOND_FACTOR(400),
    INVALID_CREDENTIALS(401),
    INVALID_TOKEN(401),
    INVALID_REFRESH_TOKEN(401),
    /** the mfa_token of a login's second step is unknown, expired, used, or out of tries: log in again */
    INVALID_MFA_TOKEN(401),
    /** RFC 9470: the route needs a recent second factor; step up (POST /auth/step-up) and retry */
    INSUFFICIENT_USER_AUTHENTICATION(401),
    /** the client a session would start for was disabled or deleted meanwhile; the token endpoint says invalid_client */
    INVALID_CLIENT(401),
    FORBIDDEN(403),
    EMAIL_NOT_VERIFIED(403),
    ACCOUNT_DISABLED(403),
    /** the password was right and the account has a second factor: the body carries the mfa_token of the next step */
    MFA_REQUIRED(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    EMAIL_TAKEN(409),
    USERNAME_TAKEN(409),
    CLIENT_ID_TAKEN(409),
    /** a client declared in configuration (KEYTURN_CLIENTS) changes only there */
    CLIENT_MANAGED_BY_CONFIGURATION(409),
    /** a client has two live secrets already: delete one first */
    TOO_MANY_SECRETS(409),
    /** the factor is confirmed already (a TOTP factor is confirmed once) */
    FACTOR_ALREADY_CONFIRMED(409),
    /** deleting this account would leave the service without an enabled admin */
    LAST_ADMIN(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    HEADERS_TOO_LARGE(431),
    RATE_LIMITED(429),
    INTERNAL_ERROR(500),
    UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String title() {
        Status known = Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase();
        }
        return status == 431 ? "Request Header Fields Too Large" : "Error";
    }
}
