package dev.keyturn.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Requests refused with 429 by the limit that guards them, {@value #NAME} (Prometheus
 * {@code keyturn_rate_limited_total{limit}}). The tag is the route's limit (login, signup, …), not the counter that was
 * full: the one database call that checks a request's counters answers only whether and how long to wait.
 */
@ApplicationScoped
@Startup
public class RateLimitMetrics {

    static final String NAME = "keyturn.rate.limited";
    static final String LOGIN = "login";
    static final String SIGNUP = "signup";
    static final String FORGOT_PASSWORD = "forgot_password";
    static final String RESEND_VERIFICATION = "resend_verification";
    static final String VERIFY_EMAIL = "verify_email";
    static final String PASSWORD_CHANGE = "password_change";
    static final String REFRESH = "refresh";

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public RateLimitMetrics(MeterRegistry registry) {
        for (String limit : new String[] { LOGIN, SIGNUP, FORGOT_PASSWORD, RESEND_VERIFICATION, VERIFY_EMAIL,
                PASSWORD_CHANGE, REFRESH }) {
            counters.put(limit, Counter.builder(NAME).description("Requests refused by a rate limit (429)")
                    .tag("limit", limit).register(registry));
        }
    }

    void refused(String limit) {
        counters.get(limit).increment();
    }
}
