package dev.keyturn.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Burst;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * docs/api.md "Cookie transport": a refresh token that came as a cookie only ever goes back as a cookie, and
 * cookie-borne refreshes and logouts from another site (a body that is not JSON, a foreign Origin, a
 * Sec-Fetch-Site other than same-origin) are 403 {@code forbidden} and change nothing.
 */
@QuarkusTest
class CookieCrossSiteTest {

    private static String cookieLogin(Api.Account account) {
        Response login = given().contentType(ContentType.JSON).header("X-Refresh-Token-Transport", "cookie")
                .body(Map.of("email", account.email(), "password", account.password())).post("/auth/login");
        login.then().statusCode(200);
        return cookieValue(login.getHeader("Set-Cookie"));
    }

    private static String cookieValue(String setCookie) {
        assertThat(setCookie).as("Set-Cookie").startsWith("refresh_token=");
        return setCookie.substring("refresh_token=".length(), setCookie.indexOf(';'));
    }

    private static String ownOrigin() {
        return "http://localhost:" + RestAssured.port;
    }

    private static UUID sid(String refreshToken) {
        return UUID.fromString((String) Jwts.claims(refreshToken).get("sid"));
    }

    private static long tokensOf(UUID sessionId) {
        return Db.count("select count(*) from refresh_tokens where session_id = ?", sessionId);
    }

    @Test
    void aCookieBorneRefreshAnswersACookieAndNoBodyTokenWhateverTheTransportHeader() {
        String cookie = cookieLogin(Api.newAccount());
        List<UnaryOperator<RequestSpecification>> shapes = List.of(
                request -> request, // bodyless, no transport header
                request -> request.contentType(ContentType.JSON).body("{}"),
                request -> request.contentType(ContentType.JSON).body("{\"refresh_token\": null}"),
                request -> request.header("X-Refresh-Token-Transport", "body"),
                request -> request.header("X-Refresh-Token-Transport", "cookie"),
                request -> request.header("Origin", ownOrigin()).header("Sec-Fetch-Site", "same-origin"));
        List<Response> answers = Burst.times(24, i -> shapes.get(i % shapes.size())
                .apply(given().cookie("refresh_token", cookie)).post("/auth/refresh"));

        List<String> cookies = new ArrayList<>();
        for (Response answer : answers) {
            answer.then().statusCode(200).body("$", not(hasKey("refresh_token")));
            cookies.add(cookieValue(answer.getHeader("Set-Cookie")));
        }
        // the concurrent refreshes of one token all got the one child (docs/api.md, "Rotation")
        assertThat(cookies).allMatch(cookies.get(0)::equals).doesNotContain(cookie);
        assertThat(tokensOf(sid(cookie))).isEqualTo(2);
    }

    @Test
    void crossSiteCookieRefreshesAndLogoutsAreForbiddenAndChangeNothing() {
        Api.Account account = Api.newAccount();
        String cookie = cookieLogin(account);
        UUID session = sid(cookie);
        List<UnaryOperator<RequestSpecification>> crossSite = List.of(
                request -> request.contentType("text/plain").body("{}"),
                request -> request.contentType(ContentType.URLENC).body("scope=global"),
                request -> request.contentType("application/octet-stream").body("x".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                request -> request.header("Origin", "https://evil.example"),
                request -> request.header("Origin", "null"),
                request -> request.header("Origin", "http://localhost:1"),
                request -> request.contentType(ContentType.JSON).body("{}").header("Origin", "https://evil.example"),
                request -> request.header("Sec-Fetch-Site", "cross-site"),
                request -> request.header("Sec-Fetch-Site", "same-site"),
                request -> request.header("Sec-Fetch-Site", "none"),
                request -> request.header("Origin", ownOrigin()).header("Sec-Fetch-Site", "cross-site"));
        List<Callable<Response>> calls = new ArrayList<>();
        for (UnaryOperator<RequestSpecification> shape : crossSite) {
            calls.add(() -> shape.apply(given().cookie("refresh_token", cookie)).post("/auth/refresh"));
            calls.add(() -> shape.apply(given().cookie("refresh_token", cookie)).post("/auth/logout"));
        }
        for (Response answer : Burst.of(calls)) {
            answer.then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
            assertThat(answer.getHeader("Set-Cookie")).isNull();
        }
        assertThat(tokensOf(session)).isEqualTo(1);
        assertThat(Db.count("select count(*) from sessions where id = ? and revoked_at is null", session)).isEqualTo(1);

        // the same cookie from the page itself, or from a client that is no browser at all, still works
        Response sameOrigin = given().cookie("refresh_token", cookie).header("Origin", ownOrigin())
                .header("Sec-Fetch-Site", "same-origin").post("/auth/refresh");
        sameOrigin.then().statusCode(200).body("$", not(hasKey("refresh_token")));
        String next = cookieValue(sameOrigin.getHeader("Set-Cookie"));
        Response logout = given().cookie("refresh_token", next).contentType(ContentType.JSON).body("{}")
                .post("/auth/logout");
        logout.then().statusCode(204);
        assertThat(logout.getHeader("Set-Cookie")).startsWith("refresh_token=;");
        assertThat(Db.count("select count(*) from sessions where id = ? and revoked_at is not null", session)).isEqualTo(1);
    }

    @Test
    void tokensThatDidNotComeAsACookieAreNotJudgedByOrigin() {
        Api.Account account = Api.newAccount();
        Api.Tokens tokens = Api.login(account);
        given().contentType(ContentType.JSON).header("Origin", "https://app.elsewhere.example")
                .body(Map.of("refresh_token", tokens.refreshToken())).post("/auth/refresh")
                .then().statusCode(200).body("refresh_token", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(tokens.accessToken()).header("Origin", "https://app.elsewhere.example")
                .header("Sec-Fetch-Site", "cross-site").post("/auth/logout").then().statusCode(204);
        Api.me(tokens.accessToken()).then().statusCode(401);
    }
}
