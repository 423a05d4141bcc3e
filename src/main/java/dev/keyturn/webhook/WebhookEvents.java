package dev.keyturn.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.keyturn.audit.AuditType;
import dev.keyturn.web.problem.ProblemException;

/**
 * The event catalogue (docs/api.md, "Webhooks"): which audit event becomes which webhook event, and which
 * subscriptions an endpoint may hold. Pure rules, no I/O.
 */
public final class WebhookEvents {

    public static final String USER_CREATED = "user.created";
    public static final String USER_VERIFIED = "user.verified";
    public static final String USER_DISABLED = "user.disabled";
    public static final String USER_DELETED = "user.deleted";
    public static final String PASSWORD_CHANGED = "password.changed";
    public static final String SESSION_REVOKED = "session.revoked";
    public static final String SESSION_REUSE_DETECTED = "session.reuse_detected";
    public static final String LOGIN_FAILED_BURST = "login.failed_burst";
    /** every mfa.* event, whichever the MFA code records */
    public static final String MFA_ALL = "mfa.*";
    /** every event */
    public static final String ALL = "*";

    /** The events with a fixed name, in the order docs/api.md lists them; mfa.* events come from MFA_* audit types. */
    public static final List<String> CATALOGUE = List.of(USER_CREATED, USER_VERIFIED, USER_DISABLED, USER_DELETED,
            PASSWORD_CHANGED, SESSION_REVOKED, SESSION_REUSE_DETECTED, LOGIN_FAILED_BURST);

    static final int MAX_SUBSCRIPTIONS = 20;

    private static final String MFA_AUDIT_PREFIX = "mfa_";
    private static final String MFA_PREFIX = "mfa.";
    private static final Pattern MFA_EVENT = Pattern.compile("mfa\\.[a-z0-9_]{1,60}");

    private static final Map<String, String> BY_AUDIT_TYPE = Map.of(
            AuditType.SIGNUP.storedName(), USER_CREATED,
            AuditType.EMAIL_VERIFIED.storedName(), USER_VERIFIED,
            AuditType.USER_DISABLED.storedName(), USER_DISABLED,
            AuditType.USER_DELETED.storedName(), USER_DELETED,
            AuditType.PASSWORD_CHANGED.storedName(), PASSWORD_CHANGED,
            AuditType.PASSWORD_RESET.storedName(), PASSWORD_CHANGED,
            AuditType.LOGOUT.storedName(), SESSION_REVOKED,
            AuditType.SESSION_REVOKED.storedName(), SESSION_REVOKED,
            AuditType.REFRESH_TOKEN_REUSE.storedName(), SESSION_REUSE_DETECTED);

    private WebhookEvents() {
    }

    /**
     * The webhook event an audit event becomes, or {@code null} for none (a login, a refresh, an admin's change of
     * roles …). Any {@code MFA_X} audit type becomes {@code mfa.x}, so that the MFA code's events flow without a change
     * here. {@code login_failed} is not here: only a burst of them is an event ({@link WebhookOutbox}).
     *
     * @param auditType the audit event's stored type, e.g. {@code password_reset}
     */
    public static String forAuditType(String auditType) {
        String mapped = BY_AUDIT_TYPE.get(auditType);
        if (mapped != null) {
            return mapped;
        }
        if (auditType.startsWith(MFA_AUDIT_PREFIX) && auditType.length() > MFA_AUDIT_PREFIX.length()) {
            return MFA_PREFIX + auditType.substring(MFA_AUDIT_PREFIX.length());
        }
        return null;
    }

    /** The subscription that receives a whole family of events besides each one's own name: mfa.* for mfa.x. */
    static String family(String eventType) {
        return eventType.startsWith(MFA_PREFIX) ? MFA_ALL : eventType;
    }

    /**
     * The event data beyond the audit event's user, session and details: which door a change came through, where one
     * event type has several (a password changed or reset; a session ended by logout, from the session list, by an
     * admin or at the revocation endpoint).
     */
    static Map<String, Object> via(String auditType, Map<String, Object> detail) {
        if (auditType.equals(AuditType.PASSWORD_CHANGED.storedName())) {
            return Map.of("via", "change");
        }
        if (auditType.equals(AuditType.PASSWORD_RESET.storedName())) {
            return Map.of("via", "reset");
        }
        if (auditType.equals(AuditType.LOGOUT.storedName())) {
            return Map.of("via", "logout");
        }
        if (auditType.equals(AuditType.SESSION_REVOKED.storedName())) {
            Object via = detail == null ? null : detail.get("via");
            Object by = detail == null ? null : detail.get("by");
            return Map.of("via", via != null ? via : "owner".equals(by) ? "session_list" : "admin");
        }
        return Map.of();
    }

    /**
     * An endpoint's subscriptions, checked and without repeats: names from the catalogue, mfa.x names, mfa.* and *.
     *
     * @throws ProblemException validation_failed naming the first unknown one
     */
    static List<String> subscriptions(List<String> events) {
        Set<String> checked = new LinkedHashSet<>();
        for (String event : events) {
            String name = event.strip();
            if (!CATALOGUE.contains(name) && !name.equals(MFA_ALL) && !name.equals(ALL) && !MFA_EVENT.matcher(name).matches()) {
                throw ProblemException.validation("events", "'" + shorten(name) + "' is not an event type: one of "
                        + String.join(", ", CATALOGUE) + ", mfa.<name>, mfa.* or *");
            }
            checked.add(name);
        }
        return new ArrayList<>(checked);
    }

    /** The data of an event: the user and session it concerns, the audit event's details, and {@link #via}. */
    static Map<String, Object> data(String auditType, Object userId, Object sessionId, Map<String, Object> detail) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", userId);
        if (sessionId != null) {
            data.put("session_id", sessionId);
        }
        if (detail != null) {
            detail.forEach(data::putIfAbsent);
        }
        via(auditType, detail).forEach(data::put);
        return data;
    }

    private static String shorten(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
