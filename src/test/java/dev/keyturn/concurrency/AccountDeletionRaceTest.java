package dev.keyturn.concurrency;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static dev.keyturn.support.WebhookReceiver.aboutUser;
import static dev.keyturn.support.WebhookReceiver.ofType;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Parallel;
import dev.keyturn.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * DESIGN.md "State changes that survive concurrency", for account deletion: deletions by the owner and by an admin,
 * logins and refreshes of the same account, all at once. Exactly one deletion succeeds, nothing answers 5xx, and one
 * consistent state remains: the account gone, no session of it left or usable (whatever token a login or refresh
 * handed out in the race), one tombstone in the audit log, one user.deleted webhook.
 */
@QuarkusTest
class AccountDeletionRaceTest {

    private static final int ROUNDS = 3;

    private record Answer(String kind, int status, Api.Tokens tokens) {
    }

    @Test
    void deletionsLoginsAndRefreshesAtOnceLeaveOneConsistentOutcome() throws InterruptedException {
        String admin = Api.adminToken();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String endpoint = given().auth().oauth2(admin).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url(), "events", List.of("user.deleted"))).post("/admin/webhooks")
                    .then().statusCode(201).extract().path("id");
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    race(admin, receiver);
                }
            } finally {
                given().auth().oauth2(admin).delete("/admin/webhooks/" + endpoint).then().statusCode(204);
            }
        }
    }

    private static void race(String admin, WebhookReceiver receiver) throws InterruptedException {
        Api.Account account = newAccount();
        List<Api.Tokens> sessions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sessions.add(login(account));
        }
        List<Supplier<Answer>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(() -> new Answer("admin delete",
                    given().auth().oauth2(admin).delete("/admin/users/" + account.id()).statusCode(), null));
            Api.Tokens own = sessions.get(i);
            tasks.add(() -> new Answer("own delete", given().auth().oauth2(own.accessToken()).contentType(ContentType.JSON)
                    .body(Map.of("password", account.password())).delete("/users/me").statusCode(), null));
            Api.Tokens rotating = sessions.get(5 + i);
            tasks.add(() -> answer("refresh", refresh(rotating.refreshToken())));
        }
        for (int i = 0; i < 10; i++) {
            tasks.add(() -> answer("login", Api.login(account.email(), account.password())));
        }
        for (int i = 0; i < 5; i++) {
            // a reset asked for at the same moment: its row must not outlive (or trip over) the account's deletion
            tasks.add(() -> new Answer("forgot", given().contentType(ContentType.JSON)
                    .body(Map.of("email", account.email())).post("/auth/password/forgot").statusCode(), null));
        }
        List<Answer> answers = Parallel.run(tasks);

        assertThat(answers).as("no answer is a server error").allMatch(answer -> answer.status() < 500);
        List<Answer> deletions = answers.stream().filter(answer -> answer.kind().endsWith("delete")).toList();
        assertThat(deletions).filteredOn(answer -> answer.status() == 204).as("successful deletions").hasSize(1);
        assertThat(deletions).filteredOn(answer -> answer.kind().equals("admin delete"))
                .allMatch(answer -> answer.status() == 204 || answer.status() == 404);
        assertThat(deletions).filteredOn(answer -> answer.kind().equals("own delete"))
                .allMatch(answer -> answer.status() == 204 || answer.status() == 401);
        assertThat(answers).filteredOn(answer -> answer.kind().equals("forgot")).allMatch(answer -> answer.status() == 202);
        assertThat(answers).filteredOn(answer -> !answer.kind().endsWith("delete") && !answer.kind().equals("forgot"))
                .allMatch(answer -> answer.status() == 200 || answer.status() == 401);
        assertThat(Db.count("select count(*) from password_resets where user_id = ?::uuid", account.id())).isZero();

        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isZero();
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid", account.id())).isZero();
        List<Api.Tokens> handedOut = new ArrayList<>(sessions);
        answers.stream().filter(answer -> answer.tokens() != null).forEach(answer -> handedOut.add(answer.tokens()));
        for (Api.Tokens tokens : handedOut) {
            me(tokens.accessToken()).then().statusCode(401);
            refresh(tokens.refreshToken()).then().statusCode(401);
        }
        assertThat(Db.count("select count(*) from audit_events where type = 'user_deleted' and user_id = ?::uuid",
                account.id())).isEqualTo(1);
        receiver.await(ofType("user.deleted").and(aboutUser(account.id())), 1, Duration.ofSeconds(20));
        Thread.sleep(500); // time for a second one, if there were one
        assertThat(receiver.received(ofType("user.deleted").and(aboutUser(account.id())))).hasSize(1);
    }

    private static Answer answer(String kind, Response response) {
        return new Answer(kind, response.statusCode(), response.statusCode() == 200 ? Api.Tokens.of(response) : null);
    }
}
