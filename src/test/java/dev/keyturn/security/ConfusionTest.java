package dev.keyturn.security;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.token.KeyRing;
import dev.keyturn.token.TokenConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Attack family: confusion. A secret made for one purpose is refused for any other: a refresh token is no
 * access token and the reverse, a token typed plain {@code JWT} is neither, a refresh token or a verification code
 * is no reset token. Each refusal changes nothing.
 */
@QuarkusTest
class ConfusionTest {

    @Inject
    KeyRing keys;

    @Inject
    TokenConfig config;

    private static long refreshTokens() {
        return Db.count("select count(*) from refresh_tokens");
    }

    @Test
    void anAccessTokenIsNoRefreshToken() {
        Api.Tokens tokens = login(newAccount());
        long before = refreshTokens();
        Api.refresh(tokens.accessToken()).then()
                .statusCode(401).contentType("application/problem+json").body("code", equalTo("invalid_refresh_token"));
        assertThat(refreshTokens()).isEqualTo(before);
    }

    @Test
    void aRefreshTokenIsNoAccessToken() {
        Api.Tokens tokens = login(newAccount());
        long before = refreshTokens();
        Api.me(tokens.refreshToken()).then()
                .statusCode(401).contentType("application/problem+json").body("code", equalTo("invalid_token"));
        given().auth().oauth2(tokens.refreshToken()).contentType(ContentType.JSON)
                .body(Map.of("current_password", Api.PASSWORD, "new_password", "an entirely different passphrase 9"))
                .put("/users/me/password").then().statusCode(401).body("code", equalTo("invalid_token"));
        assertThat(refreshTokens()).isEqualTo(before);
    }

    @Test
    void aTokenOfAnotherTypeIsNoAccessToken() {
        Api.Tokens tokens = login(newAccount());
        Map<String, Object> claims = Jwts.claims(tokens.accessToken());
        long now = Instant.now().getEpochSecond();
        String plain = Jwt.issuer(config.issuer()).audience(config.audience()).subject((String) claims.get("sub"))
                .issuedAt(now).expiresAt(now + 900).claim("jti", UUID.randomUUID().toString())
                .claim("sid", claims.get("sid")).claim("roles", List.of("user", "admin"))
                .jws().header("typ", "rt+jwt").keyId(keys.signing().kid()).algorithm(SignatureAlgorithm.RS256)
                .sign(keys.signing().key());
        Api.me(plain).then().statusCode(401).body("code", equalTo("invalid_token"));
        given().auth().oauth2(plain).get("/admin/users").then().statusCode(401).body("code", equalTo("invalid_token"));
    }

    @Test
    void aRefreshTokenIsNoResetToken() {
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        String hash = (String) Db.single("select password_hash from users where id = ?::uuid", account.id());
        long sessions = Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", account.id());
        given().contentType(ContentType.JSON)
                .body(Map.of("token", tokens.refreshToken(), "new_password", "an entirely different passphrase 9"))
                .post("/auth/password/reset").then()
                .statusCode(400).contentType("application/problem+json").body("code", org.hamcrest.Matchers.oneOf("invalid_reset_token", "validation_failed"));
        assertThat(Db.single("select password_hash from users where id = ?::uuid", account.id())).isEqualTo(hash);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", account.id()))
                .isEqualTo(sessions);
    }

    @Test
    void aVerificationCodeIsNoResetToken() {
        Api.Account account = Api.newUnverifiedAccount();
        String code = dev.keyturn.support.Mailbox.verificationCode(dev.keyturn.support.GreenMailResource.server(),
                account.email());
        String hash = (String) Db.single("select password_hash from users where id = ?::uuid", account.id());
        given().contentType(ContentType.JSON).body(Map.of("token", code, "new_password", "an entirely different passphrase 9"))
                .post("/auth/password/reset").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_reset_token"));
        assertThat(Db.single("select password_hash from users where id = ?::uuid", account.id())).isEqualTo(hash);
    }
}
