package dev.keyturn.account;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import io.quarkus.test.junit.QuarkusTest;

/** docs/api.md "GET /users/me" and "GET /users/{id}". */
@QuarkusTest
class UserResourceTest {

    @Test
    void meIsTheCaller() {
        Api.Account account = newAccount();
        given().auth().oauth2(login(account).accessToken()).get("/users/me").then().statusCode(200)
                .body("id", equalTo(account.id()))
                .body("email", equalTo(account.email()))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("password_hash")));
    }

    @Test
    void ownIdIsReadable() {
        Api.Account account = newAccount();
        given().auth().oauth2(login(account).accessToken()).get("/users/" + account.id()).then().statusCode(200)
                .body("username", equalTo(account.username()));
    }

    @Test
    void anotherUsersIdIsForbidden() {
        Api.Account alice = newAccount();
        Api.Account bob = newAccount();
        given().auth().oauth2(login(alice).accessToken()).get("/users/" + bob.id()).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
        // probing ids that do not exist tells a plain user nothing either
        given().auth().oauth2(login(alice).accessToken()).get("/users/" + UUID.randomUUID()).then().statusCode(403);
    }

    @Test
    void anAdminReadsAnyUser() {
        Api.Account admin = newAccount();
        Api.Account bob = newAccount();
        Api.makeAdmin(admin);
        String token = login(admin).accessToken();
        given().auth().oauth2(token).get("/users/" + bob.id()).then().statusCode(200).body("id", equalTo(bob.id()));
        given().auth().oauth2(token).get("/users/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(token).get("/users/not-a-uuid").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void withoutATokenTheAnswerIs401WithABearerChallenge() {
        given().get("/users/" + UUID.randomUUID()).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .body("code", equalTo("invalid_token"));
    }
}
