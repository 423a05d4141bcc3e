package dev.keyturn.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;

/**
 * The one rule of the sensitive routes: changing the password or the second factors of an account that has one, and
 * the admin routes when KEYTURN_ADMIN_REQUIRE_MFA is set, need a second factor proved at most
 * {@code KEYTURN_MFA_STEP_UP_MAX_AGE} ago; enrolling the first factor of an account needs a login at most that old.
 * Otherwise the answer is RFC 9470's: 401 {@code insufficient_user_authentication}, with a {@code WWW-Authenticate}
 * challenge naming the {@code acr} and {@code max_age} that would do. The client steps up ({@code POST /auth/step-up})
 * or logs in again, and retries with the new access token.
 * <p>
 * The access token's claims are enough ({@link Authentication#of}): they are signed, its session's revocation is
 * checked on every request, and a refresh keeps the session's {@code auth_time}, so freshness decays whatever the
 * client does.
 */
@ApplicationScoped
public class StepUp {

    private final TokenConfig config;

    public StepUp(TokenConfig config) {
        this.config = config;
    }

    public boolean isRecentSecondFactor(Authentication caller) {
        return caller.isRecentMultiFactor(config.stepUpMaxAge(), Instant.now());
    }

    /** Fails with 401 {@code insufficient_user_authentication} unless the caller's second factor is recent enough. */
    public void requireRecentSecondFactor(Authentication caller) {
        if (!isRecentSecondFactor(caller)) {
            throw secondFactorRequired();
        }
    }

    /**
     * For a change of an account's second factors: a recent second factor when the account has one, else a recent
     * login (a stolen access token alone must not be enough to lock its owner out with an authenticator of its own).
     */
    public void requireRecentAuthentication(Authentication caller, boolean accountHasSecondFactor) {
        if (accountHasSecondFactor) {
            requireRecentSecondFactor(caller);
        } else if (caller.time().plus(config.stepUpMaxAge()).isBefore(Instant.now())) {
            long maxAge = config.stepUpMaxAge().toSeconds();
            throw challenge("A login within the last " + maxAge + " seconds is required", "max_age=" + maxAge,
                    "This needs a login within the last " + maxAge + " seconds: log in again and retry with the new "
                            + "access token.");
        }
    }

    public ProblemException secondFactorRequired() {
        long maxAge = config.stepUpMaxAge().toSeconds();
        return challenge("A second factor proved within the last " + maxAge + " seconds is required",
                "acr_values=\"" + Authentication.MULTI_FACTOR + "\", max_age=" + maxAge,
                "This needs a second factor proved within the last " + maxAge + " seconds: step up (POST "
                        + "/auth/step-up) and retry with the new access token.");
    }

    private static ProblemException challenge(String description, String parameters, String detail) {
        String challenge = "Bearer error=\"insufficient_user_authentication\", error_description=\"" + description
                + "\", " + parameters;
        return new ProblemException(ErrorCode.INSUFFICIENT_USER_AUTHENTICATION, detail, List.of(),
                Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge));
    }
}
