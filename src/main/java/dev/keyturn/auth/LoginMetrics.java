package dev.keyturn.auth;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Logins by outcome, {@value #NAME} (Prometheus {@code keyturn_logins_total{outcome}}), whichever door they came
 * through ({@code /auth/login} or the token endpoint's password grant). Every outcome is registered at start-up, so a
 * rate over a quiet period is 0 rather than no data. Tags are a fixed set: never a user, an email or an address.
 */
@ApplicationScoped
@Startup
public class LoginMetrics {

    static final String NAME = "keyturn.logins";

    /** What a login attempt came to. */
    public enum Outcome {
        SUCCESS,
        /** wrong email or password (alike) */
        INVALID_CREDENTIALS,
        DISABLED,
        /** the right password on an unverified account, without a code */
        UNVERIFIED,
        /** a wrong verification code given with the right password; a wrong TOTP or recovery code at the second step */
        INVALID_CODE,
        /** a passkey's answer that does not verify (second step or passwordless login) */
        INVALID_PASSKEY,
        /** a second step whose mfa_token is unknown, used, expired or out of tries */
        INVALID_MFA_TOKEN,
        RATE_LIMITED,
        /**
         * The right password on an account with a second factor, answered with the challenge of the second step (which
         * is counted as a login of its own: success, invalid_code, invalid_passkey, invalid_mfa_token, …).
         */
        MFA_REQUIRED,
        /** anything else: the database unavailable, a client disabled meanwhile, an unexpected failure */
        ERROR;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    public LoginMetrics(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder(NAME).description("Login attempts by outcome")
                    .tag("outcome", outcome.tag()).register(registry));
        }
    }

    public void count(Outcome outcome) {
        counters.get(outcome).increment();
    }

    /** Counts a login: {@link Outcome#SUCCESS} when it answers, else the outcome its failure stands for. */
    <T> Uni<T> counted(Uni<T> login) {
        return login.invoke(() -> count(Outcome.SUCCESS)).onFailure().invoke(failure -> count(outcomeOf(failure)));
    }

    static Outcome outcomeOf(Throwable failure) {
        ErrorCode code = failure instanceof ProblemException problem ? problem.code() : ErrorCode.INTERNAL_ERROR;
        return switch (code) {
            case INVALID_CREDENTIALS -> Outcome.INVALID_CREDENTIALS;
            case ACCOUNT_DISABLED -> Outcome.DISABLED;
            case EMAIL_NOT_VERIFIED -> Outcome.UNVERIFIED;
            case INVALID_CODE -> Outcome.INVALID_CODE;
            case RATE_LIMITED -> Outcome.RATE_LIMITED;
            case MFA_REQUIRED -> Outcome.MFA_REQUIRED;
            case INVALID_PASSKEY -> Outcome.INVALID_PASSKEY;
            case INVALID_MFA_TOKEN -> Outcome.INVALID_MFA_TOKEN;
            default -> Outcome.ERROR;
        };
    }
}
