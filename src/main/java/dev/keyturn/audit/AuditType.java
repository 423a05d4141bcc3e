package dev.keyturn.audit;

/** Every kind of audit event, by its stored name. */
public enum AuditType {
    SIGNUP,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    REFRESH_TOKEN_REUSE,
    LOGOUT,
    SESSION_REVOKED,
    EMAIL_VERIFIED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    ROLES_CHANGED,
    USER_DISABLED,
    USER_ENABLED;

    public String storedName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
