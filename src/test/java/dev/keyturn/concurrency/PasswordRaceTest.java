package dev.keyturn.concurrency;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Mailbox;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * DESIGN.md "State changes that survive concurrency", for passwords: whatever revokes (a reset, a disable, a
 * demotion) wins over every password change that was in flight when it happened. Each test fires tens of real
 * requests at once, mixed with the operation they race, and then checks that one consistent state remains.
 */
@QuarkusTest
class PasswordRaceTest {

    private static final int CHANGES = 20;
    private static final String RESET_PASSWORD = "the owner took the account back 42";

    private static String attackerPassword(int i) {
        return "attacker chosen passphrase number " + i;
    }

    private static Response change(String accessToken, String current, String next) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("current_password", current, "new_password", next)).put("/users/me/password");
    }

    private static List<Supplier<Integer>> changes(String accessToken, String current) {
        List<Supplier<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            String next = attackerPassword(i);
            tasks.add(() -> change(accessToken, current, next).statusCode());
        }
        return tasks;
    }

    /** Which of the passwords the account could now have logs in, and with which status. */
    private static List<Integer> loginStatuses(Api.Account account) {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(Api.login(account.email(), account.password()).statusCode());
        for (int i = 0; i < CHANGES; i++) {
            statuses.add(Api.login(account.email(), attackerPassword(i)).statusCode());
        }
        return statuses;
    }

    @Test
    void aResetWinsOverPasswordChangesInFlight() {
        Api.Account owner = newAccount();
        Api.Tokens attacker = login(owner); // the attacker knows the old password and holds a session
        given().contentType(ContentType.JSON).body(Map.of("email", owner.email())).post("/auth/password/forgot")
                .then().statusCode(202);
        String resetToken = Mailbox.resetToken(GreenMailResource.server(), owner.email());

        List<Supplier<Integer>> tasks = changes(attacker.accessToken(), owner.password());
        tasks.add(() -> given().contentType(ContentType.JSON)
                .body(Map.of("token", resetToken, "new_password", RESET_PASSWORD))
                .post("/auth/password/reset").statusCode());
        List<Integer> statuses = Parallel.run(tasks);

        int reset = statuses.get(CHANGES);
        assertThat(reset).as("the reset").isIn(204, 400);
        if (reset == 400) {
            // A change committed before the reset and, as every change does, ended the outstanding reset tokens: the
            // reset came after it, so it did not lose to it. The owner's next reset must then win.
            assertThat(statuses.subList(0, CHANGES)).as("the change that ended the reset token").contains(204);
            given().contentType(ContentType.JSON).body(Map.of("email", owner.email())).post("/auth/password/forgot")
                    .then().statusCode(202);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> Mailbox.count(GreenMailResource.server(), owner.email(), "Reset your") == 2);
            String second = Mailbox.resetToken(GreenMailResource.server(), owner.email());
            given().contentType(ContentType.JSON).body(Map.of("token", second, "new_password", RESET_PASSWORD))
                    .post("/auth/password/reset").then().statusCode(204);
        }
        Api.login(owner.email(), RESET_PASSWORD).then().statusCode(200);
        assertThat(loginStatuses(owner)).as("the old and every attacker-chosen password").containsOnly(401);
        me(attacker.accessToken()).then().statusCode(401);
        refresh(attacker.refreshToken()).then().statusCode(401);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null"
                + " and created_at < (select max(created_at) from sessions where user_id = ?::uuid)", owner.id(), owner.id()))
                .as("live sessions from before the reset").isZero();
    }

    @Test
    void aDisableWinsOverPasswordChangesInFlight() {
        String admin = Api.adminToken();
        Api.Account victim = newAccount();
        Api.Tokens session = login(victim);

        List<Supplier<Integer>> tasks = changes(session.accessToken(), victim.password());
        tasks.add(() -> given().auth().oauth2(admin).post("/admin/users/" + victim.id() + "/disable").statusCode());
        List<Integer> statuses = Parallel.run(tasks);

        assertThat(statuses.get(CHANGES)).as("the disable").isEqualTo(200);
        assertThat(Db.single("select disabled from users where id = ?::uuid", victim.id())).isEqualTo(true);
        // exactly one of the candidate passwords is the account's; it meets account_disabled, the others 401
        List<Integer> logins = loginStatuses(victim);
        assertThat(logins).containsOnly(401, 403);
        assertThat(logins.stream().filter(s -> s == 403).count()).isEqualTo(1);
        me(session.accessToken()).then().statusCode(401);
        refresh(session.refreshToken()).then().statusCode(401);
    }

    @Test
    void aDemotionWinsOverPasswordChangesInFlight() {
        String admin = Api.adminToken();
        Api.Account demoted = newAccount();
        Api.makeAdmin(demoted);
        Api.Tokens session = login(demoted);

        List<Supplier<Integer>> tasks = changes(session.accessToken(), demoted.password());
        tasks.add(() -> given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("roles", List.of("user"))).put("/admin/users/" + demoted.id() + "/roles").statusCode());
        List<Integer> statuses = Parallel.run(tasks);

        assertThat(statuses.get(CHANGES)).as("the demotion").isEqualTo(200);
        assertThat(Db.single("select array_to_string(roles, ',') from users where id = ?::uuid", demoted.id()))
                .isEqualTo("user");
        given().auth().oauth2(session.accessToken()).get("/admin/users").then().statusCode(403);
    }

    @Test
    void parallelChangesWithTheSamePasswordLeaveOneOfThemAndOneLiveSessionChain() {
        Api.Account account = newAccount();
        Api.Tokens session = login(account);
        List<Integer> statuses = Parallel.run(changes(session.accessToken(), account.password()));
        // each change states the hash it checked: once one wrote, the others' expectation no longer holds
        assertThat(statuses.stream().filter(s -> s == 204).count()).isEqualTo(1);
        assertThat(statuses).containsOnly(204, 401);
        List<Integer> logins = loginStatuses(account);
        assertThat(logins.stream().filter(s -> s == 200).count()).isEqualTo(1);
        assertThat(logins.get(0)).as("the old password").isEqualTo(401);
    }
}
