package dev.keyturn.account;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mailbox;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * docs/api.md {@code DELETE /users/me} and {@code DELETE /admin/users/{id}}: the account goes with everything of it,
 * its tokens stop working at once, the audit log keeps a tombstone, and the email and username are free again.
 */
@QuarkusTest
class AccountDeletionTest {

    private static Response deleteOwn(String accessToken, Object body) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(body).delete("/users/me");
    }

    /** An account with two sessions, an unused reset token, a used verification code and a known login address. */
    private static Api.Account accountWithEverything(List<Api.Tokens> sessions) {
        Api.Account account = newAccount();
        sessions.add(login(account));
        sessions.add(login(account));
        given().contentType(ContentType.JSON).body(Map.of("email", account.email())).post("/auth/password/forgot")
                .then().statusCode(202);
        org.awaitility.Awaitility.await().until(() -> Mailbox.count(GreenMailResource.server(), account.email(), "Reset") == 1);
        for (String table : List.of("sessions", "verification_codes", "password_resets", "login_known_addresses")) {
            assertThat(Db.count("select count(*) from " + table + " where user_id = ?::uuid", account.id()))
                    .as(table + " before").isPositive();
        }
        return account;
    }

    /** Every table with a user_id column holds nothing of the account but the audit log (which has no foreign key). */
    private static void nothingLeftOf(String userId) {
        List<Object> tables = Db.column("select table_name from information_schema.columns where table_schema = 'public'"
                + " and column_name = 'user_id' and table_name not in ('audit_events', 'webhook_login_failures')");
        assertThat(tables).contains("sessions", "verification_codes", "password_resets", "login_known_addresses");
        for (Object table : tables) {
            assertThat(Db.count("select count(*) from " + table + " where user_id = ?::uuid", userId))
                    .as("rows of " + table).isZero();
        }
        assertThat(Db.count("select count(*) from users where id = ?::uuid", userId)).isZero();
    }

    @Test
    void everyTableThatHoldsAUsersRowsGoesWithTheAccount() {
        // a table the deletion would leave behind (or fail on) is one whose foreign key to users does not cascade
        List<Object> notCascading = Db.column("select conrelid::regclass::text from pg_constraint where contype = 'f'"
                + " and confrelid = 'users'::regclass and confdeltype <> 'c'");
        assertThat(notCascading).isEmpty();
    }

    @Test
    void theOwnerDeletesHisAccountWithHisPassword() {
        List<Api.Tokens> sessions = new ArrayList<>();
        Api.Account account = accountWithEverything(sessions);
        long earlierEvents = Db.count("select count(*) from audit_events where user_id = ?::uuid", account.id());

        deleteOwn(sessions.get(0).accessToken(), Map.of("password", account.password())).then().statusCode(204);

        // at once: every access token and refresh token of the account is refused
        for (Api.Tokens tokens : sessions) {
            me(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
            refresh(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        }
        nothingLeftOf(account.id());
        // the tombstone: an event with the id only (no address, no user agent), and the earlier events stay
        assertThat(Db.count("select count(*) from audit_events where type = 'user_deleted' and user_id = ?::uuid"
                + " and ip is null and user_agent is null and detail->>'by' = 'self'"
                + " and (detail->>'sessions_revoked')::int = 2", account.id())).isEqualTo(1);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid", account.id()))
                .isEqualTo(earlierEvents + 1);
        // the sessions' revocations outlive their rows, for a replica that starts before their access tokens expire
        for (Api.Tokens tokens : sessions) {
            assertThat(Db.count("select count(*) from session_tombstones where id = ?::uuid",
                    Jwts.claims(tokens.accessToken()).get("sid"))).isEqualTo(1);
        }
        Api.login(account.email(), account.password()).then().statusCode(401).body("code", equalTo("invalid_credentials"));

        // the email and the username are free for a new account
        String again = given().contentType(ContentType.JSON)
                .body(Map.of("username", account.username(), "email", account.email(), "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201).extract().path("id");
        assertThat(again).isNotEqualTo(account.id());
    }

    @Test
    void aWrongPasswordOrNoneDeletesNothing() {
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        deleteOwn(tokens.accessToken(), Map.of("password", "not the password")).then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("invalid_credentials"));
        deleteOwn(tokens.accessToken(), Map.of()).then().statusCode(400).body("code", equalTo("validation_failed"));
        deleteOwn(tokens.accessToken(), Map.of("password", account.password(), "force", true)).then().statusCode(400);
        given().auth().oauth2(tokens.accessToken()).delete("/users/me").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("password", account.password())).delete("/users/me")
                .then().statusCode(401).body("code", equalTo("invalid_token"));

        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isEqualTo(1);
        me(tokens.accessToken()).then().statusCode(200);
        refresh(tokens.refreshToken()).then().statusCode(200);
        assertThat(Db.count("select count(*) from audit_events where type = 'user_deleted' and user_id = ?::uuid",
                account.id())).isZero();
    }

    @Test
    void aRevokedSessionCannotDeleteTheAccount() {
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        Api.logout(Map.of("refresh_token", tokens.refreshToken())).then().statusCode(204);
        deleteOwn(tokens.accessToken(), Map.of("password", account.password())).then().statusCode(401)
                .body("code", equalTo("invalid_token"));
        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isEqualTo(1);
    }

    @Test
    void anAdminDeletesAnAccount() {
        String admin = Api.adminToken();
        List<Api.Tokens> sessions = new ArrayList<>();
        Api.Account account = accountWithEverything(sessions);

        given().auth().oauth2(admin).delete("/admin/users/" + account.id()).then().statusCode(204);

        for (Api.Tokens tokens : sessions) {
            me(tokens.accessToken()).then().statusCode(401);
            refresh(tokens.refreshToken()).then().statusCode(401);
        }
        nothingLeftOf(account.id());
        String adminId = (String) Jwts.claims(admin).get("sub");
        assertThat(Db.count("select count(*) from audit_events where type = 'user_deleted' and user_id = ?::uuid"
                + " and ip is null and detail->>'by' = ?", account.id(), adminId)).isEqualTo(1);
        given().auth().oauth2(admin).get("/users/" + account.id()).then().statusCode(404);
        given().auth().oauth2(admin).delete("/admin/users/" + account.id()).then().statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth().oauth2(admin).delete("/admin/users/not-a-uuid").then().statusCode(404);
        // a plain user may not
        Api.Account victim = newAccount();
        given().auth().oauth2(login(newAccount()).accessToken()).delete("/admin/users/" + victim.id()).then()
                .statusCode(403).body("code", equalTo("forbidden"));
        assertThat(Db.count("select count(*) from users where id = ?::uuid", victim.id())).isEqualTo(1);
    }

    /**
     * No deletion leaves the service without an enabled admin, through either route, even when the last two admins
     * delete each other at the same moment. The suite's other admins are demoted for the test and then restored.
     */
    @Test
    void theLastEnabledAdminCannotBeDeleted() {
        Api.Account first = newAccount();
        Api.Account second = newAccount();
        Db.update("update users set roles = array['user','admin'] where id in (?::uuid, ?::uuid)", first.id(), second.id());
        Api.Tokens firstTokens = login(first);
        Api.Tokens secondTokens = login(second);
        List<Object> others = Db.column("select id from users where 'admin' = any(roles)"
                + " and id not in (?::uuid, ?::uuid)", first.id(), second.id());
        try {
            Db.update("update users set roles = array['user'] where 'admin' = any(roles) and id not in (?::uuid, ?::uuid)",
                    first.id(), second.id());

            List<Integer> statuses = Parallel.run(List.of(
                    () -> given().auth().oauth2(firstTokens.accessToken()).delete("/admin/users/" + second.id()).statusCode(),
                    () -> given().auth().oauth2(secondTokens.accessToken()).delete("/admin/users/" + first.id()).statusCode()));
            assertThat(statuses).as("one deletes the other; the other is then the last admin, or no admin at all")
                    .containsOnlyOnce(204);
            assertThat(Db.count("select count(*) from users where 'admin' = any(roles) and not disabled")).isEqualTo(1);

            Api.Account survivor = Db.count("select count(*) from users where id = ?::uuid", first.id()) == 1 ? first : second;
            String token = survivor == first ? firstTokens.accessToken() : secondTokens.accessToken();
            given().auth().oauth2(token).delete("/admin/users/" + survivor.id()).then().statusCode(409)
                    .contentType("application/problem+json").body("code", equalTo("last_admin"));
            deleteOwn(token, Map.of("password", survivor.password())).then().statusCode(409).body("code", equalTo("last_admin"));
            me(token).then().statusCode(200);
        } finally {
            for (Object id : others) {
                Db.update("update users set roles = array['user','admin'] where id = ?", id);
            }
        }
    }
}
