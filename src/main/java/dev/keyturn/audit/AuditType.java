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
    /** the account and everything of it went; this event, with the id only, is its tombstone */
    USER_DELETED,
    /** an admin imported users (POST /admin/users/import): one event per import, with its counts */
    USERS_IMPORTED,
    CLIENT_CREATED,
    CLIENT_UPDATED,
    CLIENT_DELETED,
    CLIENT_SECRET_ADDED,
    CLIENT_SECRET_DELETED,
    // Second factors: every name starts with MFA_ (webhook events mfa.*).
    /** a TOTP factor was confirmed or a passkey registered */
    MFA_FACTOR_ENROLLED,
    MFA_FACTOR_REMOVED,
    /** a second factor was proved: a login's second step, a step-up, a passwordless passkey login */
    MFA_VERIFIED,
    /** a wrong code, recovery code or passkey assertion */
    MFA_VERIFICATION_FAILED,
    MFA_RECOVERY_CODE_USED,
    MFA_RECOVERY_CODES_REGENERATED,
    /** an admin removed every second factor of an account */
    MFA_RESET,
    WEBHOOK_CREATED,
    WEBHOOK_UPDATED,
    WEBHOOK_DELETED,
    WEBHOOK_SECRET_ROTATED;

    public String storedName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
