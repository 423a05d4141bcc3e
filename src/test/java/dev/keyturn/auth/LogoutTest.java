package dev.keyturn.auth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.logout;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
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

/** docs/api.md "POST /auth/logout": the three scopes, both ways to name the session, and the quiet answers. */
@QuarkusTest
class LogoutTest {

    @Test
    void localEndsOnlyThisSession() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        logout(Map.of("refresh_token", phone.refreshToken())).then().statusCode(204);
        refresh(phone.refreshToken()).then().statusCode(401);
        me(phone.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        me(laptop.accessToken()).then().statusCode(200);
        refresh(laptop.refreshToken()).then().statusCode(200);
        UUID sessionId = UUID.fromString((String) Jwts.claims(phone.refreshToken()).get("sid"));
        assertThat(Db.single("select revoked_reason from sessions where id = ?", sessionId)).isEqualTo("logout");
        assertThat(Db.count("select count(*) from audit_events where type = 'logout' and session_id = ?", sessionId))
                .isEqualTo(1);
    }

    @Test
    void globalEndsEverySessionOfTheUser() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        Api.Tokens stranger = login(newAccount());
        logout(Map.of("refresh_token", phone.refreshToken(), "scope", "global")).then().statusCode(204);
        for (Api.Tokens tokens : new Api.Tokens[] { phone, laptop }) {
            refresh(tokens.refreshToken()).then().statusCode(401);
            me(tokens.accessToken()).then().statusCode(401);
        }
        me(stranger.accessToken()).then().statusCode(200);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", account.id()))
                .isZero();
    }

    @Test
    void othersKeepsOnlyThisSession() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        Api.Tokens tablet = login(account);
        logout(Map.of("refresh_token", phone.refreshToken(), "scope", "others")).then().statusCode(204);
        me(phone.accessToken()).then().statusCode(200);
        refresh(phone.refreshToken()).then().statusCode(200);
        me(laptop.accessToken()).then().statusCode(401);
        me(tablet.accessToken()).then().statusCode(401);
        refresh(tablet.refreshToken()).then().statusCode(401);
    }

    @Test
    void aBearerAccessTokenNamesTheSession() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        given().auth().oauth2(phone.accessToken()).post("/auth/logout").then().statusCode(204);
        me(phone.accessToken()).then().statusCode(401);
        refresh(phone.refreshToken()).then().statusCode(401);
        me(laptop.accessToken()).then().statusCode(200);
    }

    @Test
    void unknownRevokedOrGarbageTokensAnswer204AndChangeNothing() {
        Api.Tokens tokens = login(newAccount());
        long revokedBefore = Db.count("select count(*) from sessions where revoked_at is not null");
        logout(Map.of("refresh_token", "garbage")).then().statusCode(204);
        given().auth().oauth2("garbage").post("/auth/logout").then().statusCode(204);
        given().post("/auth/logout").then().statusCode(204);
        assertThat(Db.count("select count(*) from sessions where revoked_at is not null")).isEqualTo(revokedBefore);
        me(tokens.accessToken()).then().statusCode(200);
        logout(Map.of("refresh_token", tokens.refreshToken())).then().statusCode(204);
        logout(Map.of("refresh_token", tokens.refreshToken())).then().statusCode(204);
    }

    @Test
    void aStaleTokenOfAnEndedSessionCannotEndOtherSessions() {
        Api.Account account = newAccount();
        Api.Tokens old = login(account);
        logout(Map.of("refresh_token", old.refreshToken())).then().statusCode(204);
        Api.Tokens current = login(account);
        logout(Map.of("refresh_token", old.refreshToken(), "scope", "global")).then().statusCode(204);
        me(current.accessToken()).then().statusCode(200);
    }

    @Test
    void anUnknownScopeIsAValidationError() {
        Api.Tokens tokens = login(newAccount());
        logout(Map.of("refresh_token", tokens.refreshToken(), "scope", "everything")).then().statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("scope"));
        me(tokens.accessToken()).then().statusCode(200);
    }
}
