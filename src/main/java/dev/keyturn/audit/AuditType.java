package dev.keyturn.audit;

/** Every kind of audit event, by its stored name. */
public enum AuditType {
    SIGNUP,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    REFRESH_TOKEN_REUSE,
    LOGOUT,
    SESSION_REVOKED,
    /** a login ended the oldest session of a user who had KEYTURN_MAX_SESSIONS_PER_USER live ones */
    SESSION_EVICTED,
    EMAIL_VERIFIED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
    ROLES_CHANGED,
    USER_DISABLED,
    USER_ENABLED,
    /** an admin imported users (POST /admin/users/import): one event per import, with its counts */
    USERS_IMPORTED,
    CLIENT_CREATED,
    CLIENT_UPDATED,
    CLIENT_DELETED,
    CLIENT_SECRET_ADDED,
    CLIENT_SECRET_DELETED;

    public String storedName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
