package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The requests of Keyturn's API (shared/API.md) as Gatling chains. Session attributes: {@code email},
 * {@code password} (from the feeder), {@code at} (access token), {@code rt} (the newest refresh token).
 */
final class Keyturn {

    static final String LOGIN_BODY = "{\"email\":\"#{email}\",\"password\":\"#{password}\"}";
    static final String REFRESH_BODY = "{\"refresh_token\":\"#{rt}\"}";

    private Keyturn() {
    }

    static HttpProtocolBuilder protocol(BenchConfig config) {
        return http.baseUrl(config.baseUrl)
                .acceptHeader("application/json")
                .userAgentHeader("keyturn-bench (Gatling)")
                // Gatling warms its HTTP stack up against an internet URL by default; use the service itself.
                .warmUp(config.baseUrl + "/q/health/live");
    }

    /** Users in a fixed rotation: consecutive logins use different accounts. */
    static FeederBuilder<Object> users(BenchConfig config) {
        return listFeeder(config.credentials()).circular();
    }

    /** POST /auth/login; keeps both tokens. */
    static ChainBuilder login(String name, FeederBuilder<Object> users) {
        return feed(users).exec(http(name).post("/auth/login")
                .body(StringBody(LOGIN_BODY)).asJson()
                .check(status().is(200),
                        jsonPath("$.access_token").saveAs("at"),
                        jsonPath("$.refresh_token").saveAs("rt")));
    }

    /** POST /auth/refresh with the newest refresh token; keeps the new pair, so the chain always moves on. */
    static ChainBuilder refresh(String name) {
        return exec(http(name).post("/auth/refresh")
                .body(StringBody(REFRESH_BODY)).asJson()
                .check(status().is(200),
                        jsonPath("$.access_token").saveAs("at"),
                        jsonPath("$.refresh_token").saveAs("rt")));
    }

    /** GET /users/me with the Bearer access token. */
    static ChainBuilder me(String name) {
        return exec(http(name).get("/users/me")
                .header("Authorization", "Bearer #{at}")
                .check(status().is(200), jsonPath("$.id").exists()));
    }

    /**
     * After a failed request the virtual user's tokens may be unusable (a failed refresh leaves a used token):
     * it logs in again, reported under its own name, and carries on, as AuthBench does.
     */
    static ChainBuilder reloginIfFailed(FeederBuilder<Object> users) {
        return doIf(session -> session.isFailed()).then(
                exec(session -> session.markAsSucceeded()).exec(login("re-login after an error", users)));
    }
}
