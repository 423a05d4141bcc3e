package dev.keyturn.oauth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static dev.keyturn.support.OAuthApi.introspect;
import static dev.keyturn.support.OAuthApi.introspectAs;
import static dev.keyturn.support.OAuthApi.revoke;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.OAuthApi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** docs/api.md POST /oauth/introspect (RFC 7662): for admins and introspection clients; {"active": false} for any dead token. */
@QuarkusTest
class IntrospectionTest {

    @ConfigProperty(name = "keyturn.tokens.issuer")
    String issuer;

    @ConfigProperty(name = "keyturn.tokens.audience")
    String audience;

    private static Map<String, Object> answer(Response response) {
        return response.then().statusCode(200)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .extract().as(Map.class);
    }

    private static void assertInactive(Response response) {
        assertThat(answer(response)).isEqualTo(Map.of("active", false));
    }

    @Test
    void anActiveAccessTokenIsDescribed() {
        Api.Account account = newAccount();
        String token = login(account).accessToken();
        Map<String, Object> claims = Jwts.claims(token);

        Map<String, Object> answer = answer(introspect(token));

        assertThat(answer).containsEntry("active", true)
                .containsEntry("token_type", "access_token")
                .containsEntry("sub", account.id())
                .containsEntry("sid", claims.get("sid"))
                .containsEntry("iss", issuer)
                .containsEntry("aud", audience)
                .containsEntry("username", account.username())
                .containsEntry("roles", List.of("user"))
                .containsEntry("jti", claims.get("jti"))
                .containsEntry("exp", claims.get("exp"))
                .containsEntry("iat", claims.get("iat"));
    }

    @Test
    void anActiveRefreshTokenIsDescribedWithTheAccountsCurrentRoles() {
        Api.Account account = newAccount();
        String token = login(account).refreshToken();
        Map<String, Object> claims = Jwts.claims(token);
        Api.makeAdmin(account);

        Map<String, Object> answer = answer(introspectAs(Api.adminToken(), token));

        assertThat(answer).containsEntry("active", true)
                .containsEntry("token_type", "refresh_token")
                .containsEntry("sub", account.id())
                .containsEntry("sid", claims.get("sid"))
                .containsEntry("iss", issuer)
                .containsEntry("aud", audience)
                .containsEntry("username", account.username())
                .containsEntry("roles", List.of("user", "admin"))
                .containsEntry("jti", claims.get("jti"))
                .containsEntry("exp", claims.get("exp"))
                .containsEntry("iat", claims.get("iat"));
    }

    @Test
    void aRefreshTokenIsActiveOnlyWhileItIsCurrentOrTheGraceParent() {
        Api.Tokens first = login(newAccount());
        String second = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        UUID sessionId = UUID.fromString((String) Jwts.claims(second).get("sid"));

        // the parent, within the 10 s grace window, would still be answered by /auth/refresh
        assertThat(answer(introspect(first.refreshToken()))).containsEntry("active", true);
        assertThat(answer(introspect(second))).containsEntry("active", true);

        Db.update("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = ? and used_at is not null",
                sessionId);
        assertInactive(introspect(first.refreshToken()));
        // introspection changed nothing: no reuse was detected, the current token still works
        assertThat(Db.single("select revoked_at from sessions where id = ?", sessionId)).isNull();
        assertThat(answer(introspect(second))).containsEntry("active", true);
        String third = refresh(second).then().statusCode(200).extract().path("refresh_token");
        Db.update("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = ? and used_at is not null",
                sessionId);
        assertInactive(introspect(second));
        assertThat(answer(introspect(third))).containsEntry("active", true);
    }

    @Test
    void tokensOfARevokedSessionAreInactive() {
        Api.Tokens tokens = login(newAccount());
        revoke(tokens.refreshToken()).then().statusCode(200);

        assertInactive(introspect(tokens.refreshToken()));
        assertInactive(introspect(tokens.accessToken()));
    }

    @Test
    void anAccessTokenIsInactiveOnceItsSessionIsRevokedInTheDatabase() {
        // as after a revocation on another replica, before this one heard of it
        Api.Tokens tokens = login(newAccount());
        Db.update("update sessions set revoked_at = now(), revoked_reason = 'logout' where id = ?::uuid",
                Jwts.claims(tokens.accessToken()).get("sid"));

        assertInactive(introspect(tokens.accessToken()));
    }

    @Test
    void aRefreshTokenOfAnExpiredSessionOrADisabledAccountIsInactive() {
        Api.Tokens expired = login(newAccount());
        Db.update("update sessions set expires_at = now() - interval '1 second' where id = ?::uuid",
                Jwts.claims(expired.refreshToken()).get("sid"));
        assertInactive(introspect(expired.refreshToken()));

        Api.Account account = newAccount();
        Api.Tokens disabled = login(account);
        Db.update("update users set disabled = true where id = ?::uuid", account.id());
        assertInactive(introspect(disabled.refreshToken()));
    }

    @Test
    void garbageAndForeignTokensAreInactive() {
        assertInactive(introspect("not-a-token"));
        assertInactive(introspect("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        Api.Tokens tokens = login(newAccount());
        String[] parts = tokens.accessToken().split("\\.");
        Map<String, Object> claims = Jwts.claims(tokens.accessToken());
        claims.put("roles", List.of("user", "admin"));
        assertInactive(introspect(parts[0] + "." + Jwts.encode(claims) + "." + parts[2]));
    }

    @Test
    void theHintIsIgnored() {
        Api.Tokens tokens = login(newAccount());
        Map<String, Object> answer = answer(given().auth().preemptive().basic(OAuthApi.CLIENT_ID, OAuthApi.CLIENT_SECRET)
                .contentType("application/x-www-form-urlencoded")
                .formParam("token", tokens.accessToken())
                .formParam("token_type_hint", "refresh_token")
                .post("/oauth/introspect"));
        assertThat(answer).containsEntry("active", true).containsEntry("token_type", "access_token");
    }

    @Test
    void withoutCredentialsTheAnswerIs401() {
        String token = login(newAccount()).accessToken();
        given().contentType("application/x-www-form-urlencoded").formParam("token", token)
                .post("/oauth/introspect")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_token"))
                .header("WWW-Authenticate", org.hamcrest.Matchers.notNullValue());
        List<String> challenges = given().contentType("application/x-www-form-urlencoded").formParam("token", token)
                .post("/oauth/introspect").headers().getValues("WWW-Authenticate");
        assertThat(challenges).contains("Bearer error=\"invalid_token\"");
        assertThat(challenges).anyMatch(challenge -> challenge.startsWith("Basic realm="));
    }

    @Test
    void aBadBearerTokenIs401() {
        introspectAs("not-a-token", "x").then().statusCode(401).body("code", equalTo("invalid_token"));
        // a refresh token is no access token
        Api.Tokens tokens = login(newAccount());
        introspectAs(tokens.refreshToken(), tokens.accessToken()).then().statusCode(401);
    }

    @Test
    void aNonAdminIs403() {
        Api.Tokens tokens = login(newAccount());
        introspectAs(tokens.accessToken(), tokens.accessToken()).then().statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"));
    }

    @Test
    void aWrongClientSecretOrUnknownClientIs401() {
        String token = login(newAccount()).accessToken();
        for (String[] credentials : List.of(new String[] { OAuthApi.CLIENT_ID, OAuthApi.CLIENT_SECRET + "x" },
                new String[] { OAuthApi.CLIENT_ID, "" },
                new String[] { "someone-else", OAuthApi.CLIENT_SECRET })) {
            given().auth().preemptive().basic(credentials[0], credentials[1])
                    .contentType("application/x-www-form-urlencoded").formParam("token", token)
                    .post("/oauth/introspect")
                    .then().statusCode(401)
                    .body("code", equalTo("invalid_credentials"))
                    .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Basic realm="));
        }
        given().header("Authorization", "Basic !!!not-base64").contentType("application/x-www-form-urlencoded")
                .formParam("token", token).post("/oauth/introspect")
                .then().statusCode(401);
    }

    @Test
    void aRequestWithoutATokenIsAValidationProblem() {
        given().auth().preemptive().basic(OAuthApi.CLIENT_ID, OAuthApi.CLIENT_SECRET)
                .contentType("application/x-www-form-urlencoded").formParam("token_type_hint", "access_token")
                .post("/oauth/introspect")
                .then().statusCode(400)
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItems("token"));
    }
}
