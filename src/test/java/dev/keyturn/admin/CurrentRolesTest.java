package dev.keyturn.admin;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * docs/api.md: admin routes check the caller's current stored roles, not only the token's claim, so a demoted
 * admin is refused at once, with the access token he still holds.
 */
@QuarkusTest
class CurrentRolesTest {

    private static Api.Account anAdmin() {
        Api.Account admin = newAccount();
        Api.makeAdmin(admin);
        return admin;
    }

    @Test
    void aDemotedAdminIsRefusedAtOnceWithHisStillValidToken() {
        String boss = login(anAdmin()).accessToken();
        Api.Account demoted = anAdmin();
        String demotedToken = login(demoted).accessToken();
        Api.Account other = newAccount();
        String othersToken = login(other).accessToken();
        given().auth().oauth2(demotedToken).get("/admin/users").then().statusCode(200);
        given().auth().oauth2(demotedToken).get("/users/" + other.id()).then().statusCode(200);
        introspect(demotedToken, othersToken).then().statusCode(200).body("active", equalTo(true));

        given().auth().oauth2(boss).contentType(ContentType.JSON).body(Map.of("roles", List.of("user")))
                .put("/admin/users/" + demoted.id() + "/roles").then().statusCode(200);

        given().auth().oauth2(demotedToken).get("/admin/users").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().auth().oauth2(demotedToken).post("/admin/users/" + other.id() + "/disable").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        given().auth().oauth2(demotedToken).get("/users/" + other.id()).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        // introspection is an admin's too: what a token says of its holder must not outlive the demotion
        introspect(demotedToken, othersToken).then().statusCode(403).body("code", equalTo("forbidden"))
                .body("active", org.hamcrest.Matchers.nullValue());
        introspect(boss, othersToken).then().statusCode(200).body("active", equalTo(true));
        // his own account he may still read
        given().auth().oauth2(demotedToken).get("/users/" + demoted.id()).then().statusCode(200);
        org.assertj.core.api.Assertions.assertThat(Db.single("select disabled from users where id = ?::uuid", other.id()))
                .isEqualTo(false);
    }

    private static io.restassured.response.Response introspect(String callerToken, String token) {
        return given().auth().oauth2(callerToken).contentType(ContentType.URLENC).formParam("token", token)
                .post("/oauth/introspect");
    }

    @Test
    void aDisabledAdminsTokenNoLongerWorksOnAdminRoutes() {
        String boss = login(anAdmin()).accessToken();
        Api.Account disabled = anAdmin();
        String token = login(disabled).accessToken();
        given().auth().oauth2(boss).post("/admin/users/" + disabled.id() + "/disable").then().statusCode(200);
        given().auth().oauth2(token).get("/admin/users").then().statusCode(401);
        given().auth().oauth2(token).get("/admin/audit").then().statusCode(401);
    }
}
