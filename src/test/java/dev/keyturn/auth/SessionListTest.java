package dev.keyturn.auth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** docs/api.md GET /users/me/sessions and DELETE /users/me/sessions/{id}. */
@QuarkusTest
class SessionListTest {

    @Test
    void listsTheActiveSessionsAndMarksTheCurrentOne() {
        Api.Account account = newAccount();
        given().contentType(ContentType.JSON).header("User-Agent", "PhoneApp/1.0")
                .body(Map.of("email", account.email(), "password", account.password())).post("/auth/login").then().statusCode(200);
        Api.Tokens laptop = login(account);
        String sid = (String) Jwts.claims(laptop.accessToken()).get("sid");
        var sessions = given().auth().oauth2(laptop.accessToken()).get("/users/me/sessions").then().statusCode(200)
                .body("$", hasSize(2))
                .body("find { it.current }.id", equalTo(sid))
                .body("findAll { it.current }", hasSize(1))
                .body("find { it.user_agent == 'PhoneApp/1.0' }.current", equalTo(false))
                .extract().jsonPath();
        for (String field : List.of("id", "created_at", "last_used_at", "expires_at", "ip")) {
            org.assertj.core.api.Assertions.assertThat(sessions.getList(field)).doesNotContainNull();
        }
    }

    @Test
    void newestFirstEvenWhenAnOlderSessionWasUsedLast() {
        Api.Account account = newAccount();
        Api.Tokens first = login(account);
        Api.Tokens second = login(account);
        Api.Tokens third = login(account);
        refresh(first.refreshToken()).then().statusCode(200);
        List<String> ids = given().auth().oauth2(third.accessToken()).get("/users/me/sessions").then().statusCode(200)
                .extract().jsonPath().getList("id");
        org.assertj.core.api.Assertions.assertThat(ids).containsExactly(
                (String) Jwts.claims(third.accessToken()).get("sid"), (String) Jwts.claims(second.accessToken()).get("sid"),
                (String) Jwts.claims(first.accessToken()).get("sid"));
    }

    @Test
    void endingOneSessionKeepsTheOthers() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        String phoneSid = (String) Jwts.claims(phone.accessToken()).get("sid");
        given().auth().oauth2(laptop.accessToken()).delete("/users/me/sessions/" + phoneSid).then().statusCode(204);
        me(phone.accessToken()).then().statusCode(401);
        refresh(phone.refreshToken()).then().statusCode(401);
        me(laptop.accessToken()).then().statusCode(200);
        given().auth().oauth2(laptop.accessToken()).get("/users/me/sessions").then().body("$", hasSize(1));
        given().auth().oauth2(laptop.accessToken()).delete("/users/me/sessions/" + phoneSid).then().statusCode(404);
    }

    @Test
    void anotherUsersSessionIsNotFound() {
        Api.Tokens mine = login(newAccount());
        Api.Tokens theirs = login(newAccount());
        String theirSid = (String) Jwts.claims(theirs.accessToken()).get("sid");
        given().auth().oauth2(mine.accessToken()).delete("/users/me/sessions/" + theirSid).then().statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth().oauth2(mine.accessToken()).delete("/users/me/sessions/not-a-uuid").then().statusCode(404);
        me(theirs.accessToken()).then().statusCode(200);
    }
}
