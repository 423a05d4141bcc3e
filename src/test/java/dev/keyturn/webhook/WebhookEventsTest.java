package dev.keyturn.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.audit.AuditType;
import dev.keyturn.web.problem.ProblemException;

/** The event catalogue, rule by rule, without I/O. */
class WebhookEventsTest {

    @Test
    void eachCatalogueEventComesFromItsAuditEvents() {
        assertThat(WebhookEvents.forAuditType("signup")).isEqualTo("user.created");
        assertThat(WebhookEvents.forAuditType("email_verified")).isEqualTo("user.verified");
        assertThat(WebhookEvents.forAuditType("user_disabled")).isEqualTo("user.disabled");
        assertThat(WebhookEvents.forAuditType("user_deleted")).isEqualTo("user.deleted");
        assertThat(WebhookEvents.forAuditType("password_changed")).isEqualTo("password.changed");
        assertThat(WebhookEvents.forAuditType("password_reset")).isEqualTo("password.changed");
        assertThat(WebhookEvents.forAuditType("logout")).isEqualTo("session.revoked");
        assertThat(WebhookEvents.forAuditType("session_revoked")).isEqualTo("session.revoked");
        assertThat(WebhookEvents.forAuditType("refresh_token_reuse")).isEqualTo("session.reuse_detected");
    }

    @Test
    void anyMfaAuditTypeIsAnMfaEventWithoutAChangeHere() {
        assertThat(WebhookEvents.forAuditType("mfa_factor_enrolled")).isEqualTo("mfa.factor_enrolled");
        assertThat(WebhookEvents.forAuditType("mfa_recovery_code_used")).isEqualTo("mfa.recovery_code_used");
        assertThat(WebhookEvents.forAuditType("mfa_")).isNull();
        assertThat(WebhookEvents.family("mfa.factor_removed")).isEqualTo("mfa.*");
        assertThat(WebhookEvents.family("user.created")).isEqualTo("user.created");
    }

    /** Logins, refreshes and the rest are no event: the outbox writes nothing for them (no statement at all). */
    @Test
    void everyOtherAuditTypeIsNoEvent() {
        for (AuditType type : AuditType.values()) {
            String event = WebhookEvents.forAuditType(type.storedName());
            boolean listed = switch (type) {
                case SIGNUP, EMAIL_VERIFIED, USER_DISABLED, USER_DELETED, PASSWORD_CHANGED, PASSWORD_RESET, LOGOUT,
                        SESSION_REVOKED, REFRESH_TOKEN_REUSE -> true;
                default -> type.name().startsWith("MFA_");
            };
            assertThat(event != null).as(type.name()).isEqualTo(listed);
            if (event != null) {
                assertThat(WebhookEvents.CATALOGUE.contains(event) || event.startsWith("mfa.")).as(event).isTrue();
            }
        }
        assertThat(WebhookEvents.forAuditType("login_failed")).as("only a burst of them is an event").isNull();
        assertThat(WebhookEvents.forAuditType("login_succeeded")).isNull();
    }

    @Test
    void theDataSayWhichDoorAChangeCameThrough() {
        assertThat(WebhookEvents.data("password_reset", "u", null, Map.of("sessions_revoked", 2)))
                .containsExactly(Map.entry("user_id", "u"), Map.entry("sessions_revoked", 2), Map.entry("via", "reset"));
        assertThat(WebhookEvents.data("session_revoked", "u", "s", Map.of("by", "owner"))).containsEntry("via", "session_list")
                .containsEntry("session_id", "s");
        assertThat(WebhookEvents.data("session_revoked", "u", null, Map.of("by", "9a1c…"))).containsEntry("via", "admin");
        assertThat(WebhookEvents.data("session_revoked", "u", "s", Map.of("via", "revocation_endpoint")))
                .containsEntry("via", "revocation_endpoint");
        // the user and session the event is about cannot be overwritten by a detail of the same name
        assertThat(WebhookEvents.data("mfa_factor_enrolled", "u", null, Map.of("user_id", "other")))
                .containsExactly(Map.entry("user_id", "u"));
    }

    @Test
    void subscriptionsAreCataloguedNamesMfaNamesAndWildcards() {
        assertThat(WebhookEvents.subscriptions(List.of("user.created", " mfa.* ", "*", "mfa.factor_enrolled", "user.created")))
                .containsExactly("user.created", "mfa.*", "*", "mfa.factor_enrolled");
        for (String unknown : List.of("user.*", "user.created2", "mfa.", "mfa.Factor", "**", "session", "")) {
            assertThatThrownBy(() -> WebhookEvents.subscriptions(List.of(unknown))).as(unknown)
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).fieldErrors().get(0).field()).isEqualTo("events"));
        }
    }
}
