package dev.keyturn.session;

/**
 * Why a session ended. Each reason is stored as today's text in {@code sessions.revoked_reason} and shows in
 * audit details, so the names below are part of the stored data and must not change.
 */
public enum RevocationReason {
    /** {@code POST /auth/logout} */
    LOGOUT("logout"),
    /** {@code DELETE /users/me/sessions/{id}} by the session's owner */
    ENDED_BY_USER("ended_by_user"),
    /** a refresh token of the session was presented again after it rotated */
    REFRESH_TOKEN_REUSE("refresh_token_reuse"),
    /** RFC 7009 revocation endpoint */
    TOKEN_REVOKED("token_revoked"),
    /** the user changed the password: every other session ends */
    PASSWORD_CHANGED("password_changed"),
    /** the password was reset with a mailed token: every session ends */
    PASSWORD_RESET("password_reset"),
    /** an admin disabled the account */
    ACCOUNT_DISABLED("account_disabled"),
    /** the account was deleted (by its owner or an admin); the session rows go with it */
    ACCOUNT_DELETED("account_deleted"),
    /** an admin ended the user's sessions */
    REVOKED_BY_ADMIN("revoked_by_admin"),
    /** the user had more live sessions than allowed ({@link SessionCap}) */
    SESSION_LIMIT("session_limit"),
    /** an admin disabled the OAuth client that started the session */
    CLIENT_DISABLED("client_disabled"),
    /** an admin deleted the OAuth client that started the session */
    CLIENT_DELETED("client_deleted"),
    /** the user enrolled or removed a second factor: every other session ends (KEYTURN_MFA_REVOKE_OTHER_SESSIONS) */
    SECOND_FACTOR_CHANGED("second_factor_changed"),
    /** an admin removed every second factor of the account: every session ends */
    SECOND_FACTORS_RESET("second_factors_reset");

    private final String stored;

    RevocationReason(String stored) {
        this.stored = stored;
    }

    /** The text in the database and in audit details. */
    public String stored() {
        return stored;
    }
}
