package dev.keyturn.mail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;
import io.smallrye.mutiny.Uni;

/**
 * The mails Keyturn sends, written as Qute templates (text and HTML) under
 * {@code templates/Mails/} and sent by the Quarkus mailer. Dev mode's mailer only logs them.
 */
@ApplicationScoped
public class Mails {

    @CheckedTemplate
    static class Templates {
        static native MailTemplateInstance verification(String productName, String username, String code,
                long expiresInMinutes);

        static native MailTemplateInstance passwordReset(String productName, String username, String token,
                String link, long expiresInMinutes);
    }

    private final MailConfig config;
    private final MailMetrics metrics;

    public Mails(MailConfig config, MailMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<Void> verificationCode(String to, String username, String code, Duration validity) {
        return metrics.counted(MailMetrics.VERIFICATION, Templates.verification(config.productName(), username, code,
                validity.toMinutes())
                .to(to)
                .subject("Your " + config.productName() + " verification code")
                .send());
    }

    public Uni<Void> passwordReset(String to, String username, String token, Duration validity) {
        String link = config.passwordResetUrl()
                .map(url -> url.replace("{token}", URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .orElse(null);
        return metrics.counted(MailMetrics.PASSWORD_RESET, Templates.passwordReset(config.productName(), username, token,
                link, validity.toMinutes())
                .to(to)
                .subject("Reset your " + config.productName() + " password")
                .send());
    }
}
