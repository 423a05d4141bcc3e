package dev.keyturn.oauth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static dev.keyturn.support.OAuthApi.revoke;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;

/** docs/api.md POST /oauth/revoke (RFC 7009): revokes a token's session; always 200 for a token it cannot use. */
@QuarkusTest
class RevocationTest {

    private static UUID sessionOf(String token) {
        return UUID.fromString((String) Jwts.claims(token).get("sid"));
    }

    @Test
    void revokingARefreshTokenEndsItsWholeSession() {
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        Api.Tokens other = login(account);
        UUID sessionId = sessionOf(tokens.refreshToken());

        revoke(tokens.refreshToken(), "refresh_token").then().statusCode(200)
                .header("Cache-Control", "no-store");

        refresh(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        me(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        assertThat(Db.single("select revoked_reason from sessions where id = ?", sessionId)).isEqualTo("token_revoked");
        assertThat(Db.count("select count(*) from audit_events where type = 'session_revoked' and session_id = ?"
                + " and detail ->> 'via' = 'revocation_endpoint'", sessionId)).isEqualTo(1);
        // the user's other session is untouched
        me(other.accessToken()).then().statusCode(200);
        refresh(other.refreshToken()).then().statusCode(200);
    }

    @Test
    void aRotatedRefreshTokenStillRevokesItsFamily() {
        Api.Tokens first = login(newAccount());
        Api.Tokens second = Api.Tokens.of(refresh(first.refreshToken()).then().statusCode(200).extract().response());

        revoke(first.refreshToken(), "refresh_token").then().statusCode(200);

        refresh(second.refreshToken()).then().statusCode(401);
        me(second.accessToken()).then().statusCode(401);
    }

    @Test
    void anAccessTokenRevokesItsSessionToo() {
        Api.Tokens tokens = login(newAccount());

        revoke(tokens.accessToken(), "access_token").then().statusCode(200);

        me(tokens.accessToken()).then().statusCode(401);
        refresh(tokens.refreshToken()).then().statusCode(401);
    }

    @Test
    void theHintIsNotNeededAndAnUnsupportedHintIsNoError() {
        Api.Tokens wrongHint = login(newAccount());
        revoke(wrongHint.refreshToken(), "access_token").then().statusCode(200);
        refresh(wrongHint.refreshToken()).then().statusCode(401);

        Api.Tokens unknownHint = login(newAccount());
        revoke(unknownHint.refreshToken(), "id_token").then().statusCode(200);
        refresh(unknownHint.refreshToken()).then().statusCode(401);

        Api.Tokens noHint = login(newAccount());
        revoke(noHint.refreshToken()).then().statusCode(200);
        refresh(noHint.refreshToken()).then().statusCode(401);
    }

    @Test
    void unknownInvalidAndAlreadyRevokedTokensAnswer200() {
        revoke("not-a-token", null).then().statusCode(200);
        revoke("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "refresh_token").then().statusCode(200);

        Api.Tokens tokens = login(newAccount());
        String[] parts = tokens.refreshToken().split("\\.");
        Map<String, Object> claims = Jwts.claims(tokens.refreshToken());
        claims.put("sid", UUID.randomUUID().toString());
        revoke(parts[0] + "." + Jwts.encode(claims) + "." + parts[2], "refresh_token").then().statusCode(200);
        // the tampered token revoked nothing
        refresh(tokens.refreshToken()).then().statusCode(200);

        Api.Tokens revoked = login(newAccount());
        revoke(revoked.refreshToken()).then().statusCode(200);
        revoke(revoked.refreshToken()).then().statusCode(200);
        revoke(revoked.accessToken()).then().statusCode(200);
    }

    @Test
    void aRequestWithoutATokenIsAValidationProblem() {
        revoke(null, "refresh_token").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("token"));
        revoke("  ", null).then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    @Test
    void theRequestMustBeFormEncoded() {
        Api.Tokens tokens = login(newAccount());
        given().contentType("application/json").body(Map.of("token", tokens.refreshToken()))
                .post("/oauth/revoke")
                .then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        refresh(tokens.refreshToken()).then().statusCode(200);
    }
}
