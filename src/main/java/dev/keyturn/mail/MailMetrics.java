package dev.keyturn.mail;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Mails handed to the relay, {@value #NAME} (Prometheus {@code keyturn_mails_total{mail, outcome}}): {@code sent} when
 * the relay accepted it, {@code failed} when it refused or could not be reached. Each attempt counts, so a mail sent at
 * its third try counts two failures and one success.
 */
@ApplicationScoped
@Startup
public class MailMetrics {

    static final String NAME = "keyturn.mails";
    static final String VERIFICATION = "verification";
    static final String PASSWORD_RESET = "password_reset";

    private final Map<String, Counter> counters = new HashMap<>();

    public MailMetrics(MeterRegistry registry) {
        for (String mail : new String[] { VERIFICATION, PASSWORD_RESET }) {
            for (String outcome : new String[] { "sent", "failed" }) {
                counters.put(mail + outcome, Counter.builder(NAME).description("Mail sending attempts by outcome")
                        .tag("mail", mail).tag("outcome", outcome).register(registry));
            }
        }
    }

    Uni<Void> counted(String mail, Uni<Void> sending) {
        return sending.invoke(() -> counters.get(mail + "sent").increment())
                .onFailure().invoke(() -> counters.get(mail + "failed").increment());
    }
}
