package dev.keyturn.admin;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** docs/api.md admin routes: every one refused to a plain user, and what each does for an admin. */
@QuarkusTest
class AdminTest {

    String adminToken;
    Api.Account admin;

    @BeforeEach
    void anAdmin() {
        admin = newAccount();
        Api.makeAdmin(admin);
        adminToken = login(admin).accessToken();
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(adminToken);
    }

    @Test
    void aPlainUserIsForbiddenEverywhere() {
        String userToken = login(newAccount()).accessToken();
        String id = UUID.randomUUID().toString();
        RequestSpecification user = given().auth().oauth2(userToken).contentType(ContentType.JSON);
        for (var response : List.of(
                user.get("/admin/users"),
                user.body(Map.of("roles", List.of("admin"))).put("/admin/users/" + id + "/roles"),
                user.post("/admin/users/" + id + "/disable"),
                user.post("/admin/users/" + id + "/enable"),
                user.delete("/admin/users/" + id + "/sessions"),
                user.delete("/admin/users/" + id),
                user.delete("/admin/users/" + id + "/mfa"),
                user.get("/admin/audit"))) {
            response.then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        }
        given().get("/admin/users").then().statusCode(401).body("code", equalTo("invalid_token"));
    }

    @Test
    void usersArePagedAndSearchable() {
        String tag = Api.uniqueName("findme");
        for (int i = 0; i < 3; i++) {
            Api.Account account = newAccount();
            Db.update("update users set username = ? where id = ?::uuid", tag + "_" + i, account.id());
        }
        asAdmin().queryParam("q", tag.toUpperCase()).queryParam("size", 2).get("/admin/users").then().statusCode(200)
                .body("total", equalTo(3)).body("page", equalTo(0)).body("size", equalTo(2)).body("items", hasSize(2));
        asAdmin().queryParam("q", tag).queryParam("size", 2).queryParam("page", 1).get("/admin/users").then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].username", equalTo(tag + "_2"))
                .body("items[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("password_hash")));
        asAdmin().queryParam("q", "%").get("/admin/users").then().statusCode(200);
        asAdmin().queryParam("size", 0).get("/admin/users").then().statusCode(400).body("code", equalTo("validation_failed"));
        asAdmin().queryParam("size", 1000).get("/admin/users").then().statusCode(400);
        asAdmin().queryParam("page", -1).get("/admin/users").then().statusCode(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRoleChangeShowsInTheTokensOfTheNextRefresh() {
        Api.Account bob = newAccount();
        Api.Tokens tokens = login(bob);
        asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of("admin")))
                .put("/admin/users/" + bob.id() + "/roles").then().statusCode(200)
                .body("roles", containsInAnyOrder("user", "admin"));
        // the access token in hand keeps its roles until it is refreshed
        given().auth().oauth2(tokens.accessToken()).get("/admin/users").then().statusCode(403);
        String refreshed = refresh(tokens.refreshToken()).then().statusCode(200).extract().path("access_token");
        assertThat((List<Object>) Jwts.claims(refreshed).get("roles")).containsExactlyInAnyOrder("user", "admin");
        given().auth().oauth2(refreshed).get("/admin/users").then().statusCode(200);
        assertThat(Db.count("select count(*) from audit_events where type = 'roles_changed' and user_id = ?::uuid", bob.id()))
                .isEqualTo(1);
    }

    @Test
    void changesShowAtOnceInTheUserObject() {
        Api.Account bob = newAccount();
        String bobToken = login(bob).accessToken();
        me(bobToken).then().statusCode(200).body("roles", containsInAnyOrder("user"));
        asAdmin().get("/users/" + bob.id()).then().statusCode(200).body("roles", containsInAnyOrder("user"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of("user", "admin")))
                .put("/admin/users/" + bob.id() + "/roles").then().statusCode(200);
        // the user object is read fresh; the claims of the token in hand change only at the next refresh
        me(bobToken).then().statusCode(200).body("roles", containsInAnyOrder("user", "admin"));
        asAdmin().get("/users/" + bob.id()).then().statusCode(200).body("roles", containsInAnyOrder("user", "admin"));
    }

    @Test
    void unknownRolesAreRejected() {
        Api.Account bob = newAccount();
        asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of("superuser")))
                .put("/admin/users/" + bob.id() + "/roles").then().statusCode(400).body("code", equalTo("validation_failed"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of()))
                .put("/admin/users/" + bob.id() + "/roles").then().statusCode(400);
        assertThat(Db.single("select array_to_string(roles, ',') from users where id = ?::uuid", bob.id())).isEqualTo("user");
        asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of("user")))
                .put("/admin/users/" + UUID.randomUUID() + "/roles").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void disablingRevokesEverySessionAtOnceAndBlocksLogin() {
        Api.Account bob = newAccount();
        Api.Tokens phone = login(bob);
        Api.Tokens laptop = login(bob);
        asAdmin().post("/admin/users/" + bob.id() + "/disable").then().statusCode(200).body("id", equalTo(bob.id()));
        for (Api.Tokens tokens : List.of(phone, laptop)) {
            me(tokens.accessToken()).then().statusCode(401);
            refresh(tokens.refreshToken()).then().statusCode(401);
        }
        Api.login(bob.email(), bob.password()).then().statusCode(403).body("code", equalTo("account_disabled"));
        Api.login(bob.email(), "a wrong password").then().statusCode(401).body("code", equalTo("invalid_credentials"));

        asAdmin().post("/admin/users/" + bob.id() + "/enable").then().statusCode(200);
        me(login(bob).accessToken()).then().statusCode(200);
        // the old sessions stay revoked
        refresh(phone.refreshToken()).then().statusCode(401);
        assertThat(Db.count("select count(*) from audit_events where type in ('user_disabled', 'user_enabled') "
                + "and user_id = ?::uuid", bob.id())).isEqualTo(2);
    }

    @Test
    void revokingAUsersSessions() {
        Api.Account bob = newAccount();
        Api.Tokens tokens = login(bob);
        asAdmin().delete("/admin/users/" + bob.id() + "/sessions").then().statusCode(204);
        me(tokens.accessToken()).then().statusCode(401);
        refresh(tokens.refreshToken()).then().statusCode(401);
        me(adminToken).then().statusCode(200);
        asAdmin().delete("/admin/users/" + UUID.randomUUID() + "/sessions").then().statusCode(404);
    }

    @Test
    void theAuditLogIsFilteredByUserAndType() {
        Api.Account bob = newAccount();
        login(bob);
        Api.login(bob.email(), "a wrong password").then().statusCode(401);
        asAdmin().queryParam("user_id", bob.id()).get("/admin/audit").then().statusCode(200)
                .body("total", equalTo(4))
                .body("items.type", containsInAnyOrder("signup", "email_verified", "login_succeeded", "login_failed"));
        asAdmin().queryParam("user_id", bob.id()).queryParam("type", "login_failed").get("/admin/audit").then()
                .statusCode(200).body("total", equalTo(1))
                .body("items[0].user_id", equalTo(bob.id()))
                .body("items[0].ip", org.hamcrest.Matchers.notNullValue())
                .body("items[0].detail.reason", equalTo("wrong_password"));
        asAdmin().queryParam("user_id", "not-a-uuid").get("/admin/audit").then().statusCode(400);
        // never a secret in an event
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and detail::text like ?", bob.id(),
                "%" + bob.password() + "%")).isZero();
    }
}
