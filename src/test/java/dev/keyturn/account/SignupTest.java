package dev.keyturn.account;

import static dev.keyturn.support.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Attack families: mass assignment (a {@code roles} or any unknown field is refused) and normalisation (look-alike
 * emails and usernames collide). docs/api.md "POST /auth/signup": what it creates, and every input it must refuse
 * without changing anything.
 */
@QuarkusTest
class SignupTest {

    private static Map<String, Object> body(String username, String email, String password) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("email", email);
        body.put("password", password);
        return body;
    }

    private static ValidatableResponse signup(Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/auth/signup").then();
    }

    private static long usersWithEmail(String email) {
        return Db.count("select count(*) from users where email = ?", EmailAddress.normalize(email));
    }

    @Test
    void createsAUserWithRoleUserAndALocation() {
        String username = uniqueName("Signup");
        String email = username + "@Example.COM";
        String id = signup(body(username, email, Api.PASSWORD))
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("username", equalTo(username))
                .body("email", equalTo(email.toLowerCase()))
                .body("email_verified", equalTo(false))
                .body("roles", contains("user"))
                .body("created_at", org.hamcrest.Matchers.notNullValue())
                .body("$", not(hasKey("password")))
                .body("$", not(hasKey("password_hash")))
                .extract().path("id");
        given().contentType(ContentType.JSON).body(body(username, email, Api.PASSWORD)).post("/auth/signup")
                .then().statusCode(409);
        assertThat(Db.single("select password_hash from users where id = ?::uuid", id)).asString()
                .startsWith("$2").doesNotContain(Api.PASSWORD);
        given().contentType(ContentType.JSON).body(body(uniqueName("x"), uniqueName("x") + "@example.com", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201).header("Location", org.hamcrest.Matchers.matchesPattern("/users/[0-9a-f-]{36}"));
    }

    @Test
    void aRolesFieldIsNeverHonoured() {
        String username = uniqueName("mallory");
        Map<String, Object> body = body(username, username + "@example.com", Api.PASSWORD);
        body.put("roles", List.of("admin"));
        signup(body).statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("roles"));
        assertThat(usersWithEmail(username + "@example.com")).isZero();
    }

    @Test
    void unknownFieldsAreRejected() {
        String username = uniqueName("extra");
        Map<String, Object> body = body(username, username + "@example.com", Api.PASSWORD);
        body.put("email_verified", true);
        signup(body).statusCode(400).body("code", equalTo("validation_failed"));
        assertThat(usersWithEmail(username + "@example.com")).isZero();
    }

    @Test
    void theSameEmailInAnotherCaseOrSpacingIsTaken() {
        Api.Account account = Api.newAccount();
        signup(body(uniqueName("twin"), "  " + account.email().toUpperCase() + " ", Api.PASSWORD))
                .statusCode(409).body("code", equalTo("email_taken"));
        assertThat(usersWithEmail(account.email())).isEqualTo(1);
    }

    @Test
    void aLookAlikeEmailNormalisesToTheSameAddress() {
        Api.Account account = Api.newAccount();
        // fullwidth letters are NFKC-equivalent to ASCII
        String fullwidth = account.email().replace("user", "\uFF55\uFF53\uFF45\uFF52");
        signup(body(uniqueName("lookalike"), fullwidth, Api.PASSWORD)).statusCode(409).body("code", equalTo("email_taken"));
    }

    @Test
    void aUsernameIsTakenWhateverItsCase() {
        Api.Account account = Api.newAccount();
        String email = uniqueName("other") + "@example.com";
        signup(body(account.username().toUpperCase(), email, Api.PASSWORD))
                .statusCode(409).body("code", equalTo("username_taken"));
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void invalidFieldsAreListed() {
        signup(body("a", "not-an-email", Api.PASSWORD)).statusCode(400)
                .body("code", equalTo("validation_failed"))
                .body("errors.field", org.hamcrest.Matchers.hasItems("username", "email"));
        signup(body("bad name!", uniqueName("v") + "@example.com", Api.PASSWORD)).statusCode(400)
                .body("errors.field", contains("username"));
        signup(Map.of("username", uniqueName("v"))).statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", org.hamcrest.Matchers.hasItems("email", "password"));
    }

    @Test
    void wrongTypesAreRejected() {
        signup(Map.of("username", 42, "email", List.of("a@example.com"), "password", Api.PASSWORD))
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void weakPasswordsAreRejectedWithAReason() {
        String username = uniqueName("weak");
        String email = username + "@example.com";
        signup(body(username, email, "short")).statusCode(400).body("code", equalTo("weak_password"))
                .body("detail", org.hamcrest.Matchers.containsString("8"));
        signup(body(username, email, "x" + username + "123")).statusCode(400).body("code", equalTo("weak_password"));
        signup(body(username, email, "a".repeat(129))).statusCode(400).body("code", equalTo("weak_password"));
        signup(body(username, email, "password123")).statusCode(400).body("code", equalTo("weak_password"));
        signup(body(username, email, "qwertyuiop")).statusCode(400).body("code", equalTo("weak_password"));
        assertThat(usersWithEmail(email)).isZero();
    }

    @Test
    void everyByteOfALongPasswordCounts() {
        String username = uniqueName("long");
        String email = username + "@example.com";
        // the first 72 UTF-8 bytes, which are all that bcrypt alone would read, then a tail
        String first72Bytes = "é".repeat(30) + "0123456789" + "ab";
        assertThat(first72Bytes.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(72);
        String password = first72Bytes + "cdefghijklmnopqrstuvwxyz";
        signup(body(username, email, password)).statusCode(201);
        Api.verifyEmail(email);
        Api.login(email, password).then().statusCode(200);
        String samePrefix = first72Bytes + "DIFFERENT-TAIL";
        Api.login(email, samePrefix).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void malformedJsonIsAProblem() {
        given().contentType(ContentType.JSON).body("{\"username\": ").post("/auth/signup").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed_request"));
        given().contentType(ContentType.JSON).body("").post("/auth/signup").then()
                .statusCode(400).contentType("application/problem+json");
    }

    @Test
    void nonJsonIsUnsupported() {
        given().contentType(ContentType.TEXT).body("username=a").post("/auth/signup").then()
                .statusCode(415).contentType("application/problem+json").body("code", equalTo("unsupported_media_type"));
    }
}
