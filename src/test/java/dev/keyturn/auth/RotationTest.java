package dev.keyturn.auth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;

/** Attack family: replay. docs/api.md "Rotation and reuse detection", one test per rule. */
@QuarkusTest
class RotationTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void refreshAnswersANewRefreshTokenAndAWorkingAccessToken() {
        Api.Tokens first = login(newAccount());
        var response = refresh(first.refreshToken()).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(900))
                .body("refresh_expires_in", equalTo(604800))
                .body("access_token", notNullValue())
                .extract().response();
        Api.Tokens second = Api.Tokens.of(response);
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        me(second.accessToken()).then().statusCode(200);
        assertThat(Jwts.claims(second.refreshToken()).get("sid")).isEqualTo(Jwts.claims(first.refreshToken()).get("sid"));
    }

    @Test
    void theDatabaseKeepsOnlyHashesLinkedToTheirParent() {
        Api.Tokens first = login(newAccount());
        Api.Tokens second = Api.Tokens.of(refresh(first.refreshToken()).then().statusCode(200).extract().response());
        UUID sessionId = UUID.fromString((String) Jwts.claims(second.refreshToken()).get("sid"));
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ?", sessionId)).isEqualTo(2);
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ? and parent_id is not null"
                + " and used_at is null", sessionId)).isEqualTo(1);
        // neither token, nor its jti, is stored anywhere in the row
        String jti = (String) Jwts.claims(second.refreshToken()).get("jti");
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ? and (encode(token_hash, 'escape') like ?)",
                sessionId, "%" + jti + "%")).isZero();
    }

    @Test
    void theParentWithinTheGraceWindowGetsTheSameChild() {
        Api.Tokens first = login(newAccount());
        String child = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        String again = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        String third = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        assertThat(again).isEqualTo(child);
        assertThat(third).isEqualTo(child);
        // the child is still the current token: it rotates normally
        refresh(child).then().statusCode(200);
    }

    @Test
    void reuseAfterTheGraceWindowRevokesTheWholeSession() {
        Api.Account account = newAccount();
        Api.Tokens first = login(account);
        Api.Tokens second = Api.Tokens.of(refresh(first.refreshToken()).then().statusCode(200).extract().response());
        UUID sessionId = UUID.fromString((String) Jwts.claims(first.refreshToken()).get("sid"));
        // the first token was used a minute ago: outside the 10 s window
        Db.update("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = ? and used_at is not null",
                sessionId);

        refresh(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));

        assertThat(Db.single("select revoked_reason from sessions where id = ?", sessionId)).isEqualTo("refresh_token_reuse");
        assertThat(Db.count("select count(*) from audit_events where type = 'refresh_token_reuse' and session_id = ?",
                sessionId)).isEqualTo(1);
        // the current token and both access tokens of the family stop working
        refresh(second.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        me(second.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        me(first.accessToken()).then().statusCode(401);
        // other sessions of the user are untouched
        me(login(account).accessToken()).then().statusCode(200);
    }

    @Test
    void aGrandparentIsReuseEvenInsideTheGraceWindow() {
        Api.Tokens first = login(newAccount());
        String second = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        String third = refresh(second).then().statusCode(200).extract().path("refresh_token");
        refresh(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refresh(third).then().statusCode(401);
    }

    @Test
    void twentyConcurrentRefreshesOfOneTokenYieldOneChild() throws Exception {
        Api.Tokens first = login(newAccount());
        UUID sessionId = UUID.fromString((String) Jwts.claims(first.refreshToken()).get("sid"));
        HttpClient client = HttpClient.newHttpClient();
        String body = new ObjectMapper().writeValueAsString(Map.of("refresh_token", first.refreshToken()));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/auth/refresh"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, 20)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        ObjectMapper json = new ObjectMapper();
        List<String> refreshTokens = new java.util.ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            refreshTokens.add((String) json.readValue(response.body(), Map.class).get("refresh_token"));
        }
        assertThat(refreshTokens).hasSize(20).containsOnly(refreshTokens.get(0));
        assertThat(refreshTokens.get(0)).isNotEqualTo(first.refreshToken());
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ?", sessionId)).isEqualTo(2);
    }

    @Test
    void aSessionPastItsAbsoluteLifetimeCannotRefresh() {
        Api.Tokens first = login(newAccount());
        UUID sessionId = UUID.fromString((String) Jwts.claims(first.refreshToken()).get("sid"));
        Db.update("update sessions set expires_at = now() - interval '1 second' where id = ?", sessionId);
        refresh(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void theRefreshTokenNeverOutlivesTheSessionCap() {
        Api.Tokens first = login(newAccount());
        UUID sessionId = UUID.fromString((String) Jwts.claims(first.refreshToken()).get("sid"));
        // the session ends in one hour: the child's lifetime is cut to it
        Db.update("update sessions set expires_at = date_trunc('second', now()) + interval '1 hour' where id = ?", sessionId);
        int expiresIn = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_expires_in");
        assertThat(expiresIn).isBetween(3590, 3600);
    }

    @Test
    void garbageAndForeignTokensAreInvalidRefreshTokens() {
        Api.Tokens tokens = login(newAccount());
        refresh("not-a-jwt").then().statusCode(401).body("code", equalTo("invalid_refresh_token"))
                .contentType("application/problem+json");
        // an access token is not a refresh token
        refresh(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        // a tampered refresh token
        String[] parts = tokens.refreshToken().split("\\.");
        Map<String, Object> claims = Jwts.claims(tokens.refreshToken());
        claims.put("sub", UUID.randomUUID().toString());
        refresh(parts[0] + "." + Jwts.encode(claims) + "." + parts[2]).then().statusCode(401);
        io.restassured.RestAssured.given().contentType("application/json").body("{}").post("/auth/refresh")
                .then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }
}
