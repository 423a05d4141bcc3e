package dev.keyturn.security;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Attack family: injection. SQL-shaped input is data (every query is parameterised), control characters
 * never reach the database or a response header, and JSON that parsers could read differently (duplicate
 * keys, deep nesting) is refused. Each case answers a problem, never a 500, and changes nothing.
 */
@QuarkusTest
class InjectionTest {

    private static final String SQL = "' OR '1'='1'; DROP TABLE users; --";

    private String adminToken;

    @BeforeEach
    void admin() {
        adminToken = Api.adminToken();
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(adminToken);
    }

    private static long users() {
        return Db.count("select count(*) from users");
    }

    @Test
    void sqlInTheLoginEmailIsJustAWrongEmail() {
        long users = users();
        long sessions = Db.count("select count(*) from sessions");
        Api.login("x" + SQL + "@example.com", "whatever password").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        Api.login("admin'--@example.com", "' OR '1'='1").then()
                .statusCode(401).body("code", equalTo("invalid_credentials"));
        assertThat(users()).isEqualTo(users);
        assertThat(Db.count("select count(*) from sessions")).isEqualTo(sessions);
    }

    @Test
    void sqlInTheUsernameIsRefusedBySignUp() {
        long users = users();
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "a" + SQL, "email", Api.uniqueName("sql") + "@example.com", "password", Api.PASSWORD))
                .post("/auth/signup").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"))
                .body("errors.field", org.hamcrest.Matchers.everyItem(equalTo("username")));
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void sqlInTheUserSearchMatchesNothing() {
        long users = users();
        asAdmin().queryParam("q", SQL).get("/admin/users").then()
                .statusCode(200).body("total", equalTo(0));
        asAdmin().queryParam("q", "%' OR 1=1 --").get("/admin/users").then()
                .statusCode(200).body("total", equalTo(0));
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void sqlInTheAuditFiltersIsRefusedOrMatchesNothing() {
        long events = Db.count("select count(*) from audit_events");
        asAdmin().queryParam("type", SQL).get("/admin/audit").then()
                .statusCode(200).body("total", equalTo(0));
        asAdmin().queryParam("user_id", SQL).get("/admin/audit").then()
                .statusCode(400).contentType("application/problem+json");
        assertThat(Db.count("select count(*) from audit_events")).isEqualTo(events);
    }

    @Test
    void aNulByteInASearchIsAValidationFailure() {
        asAdmin().queryParam("q", "abc\u0000def").get("/admin/users").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
    }

    @Test
    void controlCharactersInAHeaderAreRefusedBeforeAnythingRuns() throws Exception {
        Api.Account account = newAccount();
        String body = "{\"email\": \"" + account.email() + "\", \"password\": \"" + account.password() + "\"}";
        // the HTTP decoder refuses them (and web/ClientInfo would strip them from the stored user agent anyway)
        String answer = Clients.rawFrom("127.0.0.1", "POST /auth/login HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "User-Agent: evil\u0000agent\u0007\r\n", body);
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid", account.id())).isZero();
    }

    @Test
    void lineBreaksInAFieldNeverBecomeAHeader() {
        long users = users();
        String name = Api.uniqueName("crlf");
        var response = given().contentType(ContentType.JSON)
                .body(Map.of("username", name + "\r\nSet-Cookie: injected=1", "email", name + "@example.com",
                        "password", Api.PASSWORD))
                .post("/auth/signup");
        response.then().statusCode(400).body("code", equalTo("validation_failed"));
        assertThat(response.headers().hasHeaderWithName("Set-Cookie")).isFalse();
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        long users = users();
        String name = Api.uniqueName("dup");
        given().contentType(ContentType.JSON)
                .body("{\"username\": \"" + name + "\", \"email\": \"" + name + "@example.com\", \"password\": \""
                        + Api.PASSWORD + "\", \"email\": \"victim@example.com\"}")
                .post("/auth/signup").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed_request"));
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        long users = users();
        String nested = "[".repeat(5000) + "]".repeat(5000);
        given().contentType(ContentType.JSON)
                .body("{\"username\": " + nested + ", \"email\": \"a@example.com\", \"password\": \"x\"}")
                .post("/auth/signup").then()
                .statusCode(400).contentType("application/problem+json");
        assertThat(users()).isEqualTo(users);
    }
}
