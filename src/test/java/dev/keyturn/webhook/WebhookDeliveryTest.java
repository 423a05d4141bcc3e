package dev.keyturn.webhook;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.WebhookReceiver.aboutUser;
import static dev.keyturn.support.WebhookReceiver.ofType;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.audit.AuditEvent;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Metrics;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mailbox;
import dev.keyturn.support.Parallel;
import dev.keyturn.support.WebhookReceiver;
import dev.keyturn.support.WebhookReceiver.Received;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * docs/api.md "Webhooks", delivery: a real HTTP receiver in the test JVM sees each event once, signed as Standard
 * Webhooks say (checked with their library), gets retries after failing, and nothing it did not subscribe to.
 */
@QuarkusTest
class WebhookDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Inject
    WebhookOutbox outbox;

    WebhookReceiver receiver;
    String adminToken;
    final List<String> endpoints = new ArrayList<>();

    @BeforeEach
    void aReceiver() {
        receiver = WebhookReceiver.start();
        adminToken = Api.adminToken();
    }

    @AfterEach
    void stop() {
        endpoints.forEach(id -> given().auth().oauth2(adminToken).delete("/admin/webhooks/" + id).then().statusCode(204));
        receiver.close();
    }

    /** Registers the receiver for these events; returns the endpoint's id and secret. */
    private String[] register(String url, List<String> events, boolean enabled) {
        Response created = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("url", url, "events", events, "enabled", enabled)).post("/admin/webhooks");
        created.then().statusCode(201);
        endpoints.add(created.path("id"));
        return new String[] { created.path("id"), created.path("secret") };
    }

    private String[] register(List<String> events) {
        return register(receiver.url(), events, true);
    }

    /** The one request of this type about this user that the receiver saw, signed under the secret. */
    private Received once(String type, String userId, String secret) {
        List<Received> seen = receiver.await(ofType(type).and(aboutUser(userId)), 1, PATIENCE);
        assertThat(seen).as(type + " requests").hasSize(1);
        Received request = seen.get(0);
        assertThat(request.verifiesWith(secret)).as("the signature of " + type).isTrue();
        assertThat(request.delivered()).isTrue();
        // the webhook-id is the audit event's id: stable across attempts and replicas
        assertThat(Db.count("select count(*) from audit_events where id = ?::uuid and user_id = ?::uuid",
                request.id(), userId)).as("an audit event with the webhook-id").isEqualTo(1);
        return request;
    }

    @Test
    void everyEventOfTheCatalogueArrivesOnceSignedAndVerifiable() throws Throwable {
        String secret = register(List.of("*"))[1];
        Api.Account user = newAccount(); // user.created, user.verified
        Api.Tokens first = login(user);

        // password.changed, by the owner, then by a reset
        String changed = "a brand new passphrase for webhooks 1";
        given().auth().oauth2(first.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("current_password", user.password(), "new_password", changed))
                .put("/users/me/password").then().statusCode(204);
        given().contentType(ContentType.JSON).body(Map.of("email", user.email())).post("/auth/password/forgot")
                .then().statusCode(202);
        String reset = "another brand new passphrase for webhooks 2";
        given().contentType(ContentType.JSON)
                .body(Map.of("token", Mailbox.resetToken(GreenMailResource.server(), user.email()), "new_password", reset))
                .post("/auth/password/reset").then().statusCode(204);

        // session.revoked by logout, then from the session list
        Api.Tokens loggedOut = Api.Tokens.of(Api.login(user.email(), reset).then().statusCode(200).extract().response());
        Api.logout(Map.of("refresh_token", loggedOut.refreshToken())).then().statusCode(204);
        Api.Tokens listed = Api.Tokens.of(Api.login(user.email(), reset).then().statusCode(200).extract().response());
        String listedSid = (String) Jwts.claims(listed.accessToken()).get("sid");
        given().auth().oauth2(listed.accessToken()).delete("/users/me/sessions/" + listedSid).then().statusCode(204);

        // session.reuse_detected
        Api.Tokens replayed = Api.Tokens.of(Api.login(user.email(), reset).then().statusCode(200).extract().response());
        Api.refresh(replayed.refreshToken()).then().statusCode(200);
        Db.update("update refresh_tokens set used_at = used_at - interval '1 minute' where used_at is not null and"
                + " session_id = ?::uuid", Jwts.claims(replayed.refreshToken()).get("sid"));
        Api.refresh(replayed.refreshToken()).then().statusCode(401);

        // mfa.*: any MFA_X audit type, recorded in a transaction as the MFA code will
        AuditEvent enrolled = new AuditEvent();
        enrolled.id = UUID.randomUUID();
        enrolled.occurredAt = Instant.now();
        enrolled.type = "mfa_factor_enrolled";
        enrolled.userId = UUID.fromString(user.id());
        enrolled.detail = Map.of("factor", "totp");
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> enrolled.persist()
                .chain(() -> outbox.recorded(enrolled))));

        // user.disabled, then user.deleted
        given().auth().oauth2(adminToken).post("/admin/users/" + user.id() + "/disable").then().statusCode(200);
        given().auth().oauth2(adminToken).delete("/admin/users/" + user.id()).then().statusCode(204);

        once("user.created", user.id(), secret);
        once("user.verified", user.id(), secret);
        List<Received> passwords = receiver.await(ofType("password.changed").and(aboutUser(user.id())), 2, PATIENCE);
        assertThat(passwords).extracting(request -> request.data().get("via")).containsExactly("change", "reset");
        assertThat(passwords.get(0).data()).containsEntry("sessions_revoked", 0)
                .containsEntry("session_id", Jwts.claims(first.accessToken()).get("sid"));
        assertThat(passwords).allMatch(request -> request.verifiesWith(secret));
        List<Received> revoked = receiver.await(ofType("session.revoked").and(aboutUser(user.id())), 2, PATIENCE);
        assertThat(revoked).allMatch(request -> request.verifiesWith(secret));
        assertThat(revoked).extracting(request -> request.data().get("via")).containsExactly("logout", "session_list");
        assertThat(revoked.get(1).data()).containsEntry("session_id", listedSid);
        assertThat(once("session.reuse_detected", user.id(), secret).data())
                .containsEntry("session_id", Jwts.claims(replayed.refreshToken()).get("sid"));
        assertThat(once("mfa.factor_enrolled", user.id(), secret).data()).containsEntry("factor", "totp");
        assertThat(once("user.disabled", user.id(), secret).data()).containsKey("by");
        Received deleted = once("user.deleted", user.id(), secret);
        assertThat(deleted.data()).containsOnlyKeys("user_id", "by", "sessions_revoked");
        assertThat(deleted.payload()).containsOnlyKeys("type", "timestamp", "data");
        assertThat(deleted.headers().get("content-type")).containsExactly("application/json");

        // nothing about the user twice, and nothing it did that is no webhook event (logins, refreshes)
        List<Received> all = receiver.received(aboutUser(user.id()));
        assertThat(all).extracting(Received::id).doesNotHaveDuplicates();
        assertThat(all).extracting(Received::type).containsOnly("user.created", "user.verified", "password.changed",
                "session.revoked", "session.reuse_detected", "mfa.factor_enrolled", "user.disabled", "user.deleted");
        // no personal data beyond the ids
        assertThat(all).extracting(Received::body).noneMatch(body -> body.contains(user.email())
                || body.contains(user.username()) || body.contains("127.0.0.1"));
    }

    @Test
    void aBurstOfFailedLoginsIsOneEventPerWindow() {
        String secret = register(List.of("login.failed_burst"))[1];
        Api.Account user = newAccount();
        for (int i = 0; i < 12; i++) { // the test profile's burst is 5
            Api.login(user.email(), "wrong password " + i).then().statusCode(401);
        }
        Received burst = once("login.failed_burst", user.id(), secret);
        assertThat(burst.data()).containsEntry("failures", 5).containsEntry("window_seconds", 900);
        // the next window starts with the next failure after this one ended
        Db.update("update webhook_login_failures set window_start = now() - interval '16 minutes' where user_id = ?::uuid",
                user.id());
        for (int i = 0; i < 4; i++) {
            Api.login(user.email(), "wrong again " + i).then().statusCode(401);
        }
        assertThat(Db.single("select failures from webhook_login_failures where user_id = ?::uuid", user.id())).isEqualTo(4);
        Api.login(user.email(), "the fifth").then().statusCode(401);
        receiver.await(ofType("login.failed_burst").and(aboutUser(user.id())), 2, PATIENCE);
    }

    @Test
    void parallelFailedLoginsCountEachOnceAndEmitOneEvent() {
        register(List.of("login.failed_burst"));
        Api.Account user = newAccount();
        List<Integer> statuses = Parallel.times(20, () -> Api.login(user.email(), "guess").statusCode());
        assertThat(statuses).containsOnly(401);
        assertThat(Db.single("select failures from webhook_login_failures where user_id = ?::uuid", user.id())).isEqualTo(20);
        receiver.await(ofType("login.failed_burst").and(aboutUser(user.id())), 1, PATIENCE);
        assertThat(Db.count("select count(*) from webhook_messages where event_type = 'login.failed_burst'"
                + " and payload like ?", "%" + user.id() + "%")).isEqualTo(1);
    }

    @Test
    void aReceiverAnswering500GetsRetriesUntilItAccepts() {
        String[] endpoint = register(List.of("user.created"));
        Map<String, Double> before = Metrics.scrape();
        receiver.answerNext(500, 500);
        Api.Account user = Api.newUnverifiedAccount();

        List<Received> attempts = receiver.await(ofType("user.created").and(aboutUser(user.id())), 3, PATIENCE);
        assertThat(attempts).extracting(Received::answered).containsExactly(500, 500, 200);
        assertThat(attempts).extracting(Received::id).containsOnly(attempts.get(0).id());
        assertThat(attempts).extracting(Received::body).containsOnly(attempts.get(0).body());
        assertThat(attempts).allMatch(attempt -> attempt.verifiesWith(endpoint[1]));
        awaitStatus(attempts.get(0).id(), "delivered");
        assertThat(Db.single("select attempts from webhook_messages where event_id = ?::uuid", attempts.get(0).id())).isEqualTo(3);
        given().auth().oauth2(adminToken).get("/admin/webhooks/" + endpoint[0] + "/deliveries").then().statusCode(200)
                .body("items.outcome", contains("delivered", "retrying", "retrying"))
                .body("items.status_code", contains(200, 500, 500))
                .body("items.attempt", contains(3, 2, 1))
                .body("items[0].event_id", equalTo(attempts.get(0).id()));
        // counted (other endpoints of earlier tests may be delivered to meanwhile: at least these three)
        Map<String, Double> after = Metrics.scrape();
        assertThat(Metrics.value(after, "keyturn_webhook_deliveries_total", "outcome=\"failed\"")
                - Metrics.value(before, "keyturn_webhook_deliveries_total", "outcome=\"failed\"")).isGreaterThanOrEqualTo(2);
        assertThat(Metrics.value(after, "keyturn_webhook_deliveries_total", "outcome=\"delivered\"")
                - Metrics.value(before, "keyturn_webhook_deliveries_total", "outcome=\"delivered\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aReceiverThatDoesNotAnswerTimesOutAndIsTriedAgain() {
        String[] endpoint = register(List.of("user.created"));
        receiver.hold();
        Api.Account user = Api.newUnverifiedAccount();
        Received held = receiver.await(ofType("user.created").and(aboutUser(user.id())), 1, PATIENCE).get(0);
        // the attempt ends after the timeout (2 s in tests) and is logged as such
        String error = awaitAttempt(endpoint[0], held.id());
        assertThat(error).contains("no answer within 2000 ms");
        receiver.release();
        List<Received> attempts = receiver.await(ofType("user.created").and(aboutUser(user.id())).and(Received::delivered),
                1, PATIENCE);
        assertThat(attempts.get(0).id()).isEqualTo(held.id());
        awaitStatus(held.id(), "delivered");
    }

    @Test
    void aMessageIsGivenUpAfterTheRetryPeriod() throws InterruptedException {
        String[] endpoint = register(List.of("user.created"));
        receiver.answerNext(503, 503, 503, 503, 503, 503, 503, 503, 503, 503);
        Api.Account user = Api.newUnverifiedAccount();
        String eventId = receiver.await(ofType("user.created").and(aboutUser(user.id())), 1, PATIENCE).get(0).id();
        // a day went by
        Db.update("update webhook_messages set created_at = created_at - interval '1 day' where event_id = ?::uuid", eventId);
        awaitStatus(eventId, "failed");
        int attempts = ((Number) Db.single("select attempts from webhook_messages where event_id = ?::uuid", eventId)).intValue();
        given().auth().oauth2(adminToken).get("/admin/webhooks/" + endpoint[0] + "/deliveries").then().statusCode(200)
                .body("items[0].outcome", equalTo("failed")).body("items[0].attempt", equalTo(attempts));
        // given up: no attempt follows
        int seen = receiver.received(ofType("user.created").and(aboutUser(user.id()))).size();
        Thread.sleep(1500);
        assertThat(receiver.received(ofType("user.created").and(aboutUser(user.id())))).hasSize(seen);
        assertThat(Db.single("select attempts from webhook_messages where event_id = ?::uuid", eventId)).isEqualTo(attempts);
    }

    @Test
    void unsubscribedAndDisabledEndpointsGetNothing() throws InterruptedException {
        WebhookReceiver other = WebhookReceiver.start();
        try {
            String[] narrow = register(List.of("user.deleted"));
            String[] disabled = register(other.url(), List.of("*"), false);
            Api.Account user = newAccount();
            Api.Tokens tokens = login(user);
            Api.refresh(tokens.refreshToken()).then().statusCode(200);
            Thread.sleep(1000);
            assertThat(receiver.received(aboutUser(user.id()))).isEmpty();
            assertThat(other.received()).isEmpty();
            assertThat(Db.count("select count(*) from webhook_messages where endpoint_id in (?::uuid, ?::uuid)",
                    narrow[0], disabled[0])).isZero();
            // a login or a refresh writes no message for anyone, whatever endpoints subscribe to
            register(List.of("*"));
            Api.refresh(login(user).refreshToken()).then().statusCode(200);
            String loginEvent = (String) Db.single("select id::text from audit_events where type = 'login_succeeded'"
                    + " and user_id = ?::uuid order by occurred_at desc limit 1", user.id());
            assertThat(Db.count("select count(*) from webhook_messages where event_id = ?::uuid", loginEvent)).isZero();
            assertThat(Db.count("select count(*) from webhook_messages m join audit_events a on a.id = m.event_id"
                    + " where a.user_id = ?::uuid", user.id())).isZero();
        } finally {
            other.close();
        }
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneUntilItEnds() {
        String[] endpoint = register(List.of("user.created"));
        String rotated = given().auth().oauth2(adminToken).post("/admin/webhooks/" + endpoint[0] + "/secret")
                .then().statusCode(200).extract().path("secret");
        Api.Account during = Api.newUnverifiedAccount();
        Received both = receiver.await(ofType("user.created").and(aboutUser(during.id())), 1, PATIENCE).get(0);
        assertThat(both.signature().split(" ")).hasSize(2).allMatch(signature -> signature.startsWith("v1,"));
        assertThat(both.verifiesWith(endpoint[1])).as("with the old secret").isTrue();
        assertThat(both.verifiesWith(rotated)).as("with the new secret").isTrue();

        String last = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("previous_secret_expires_in", 0)).post("/admin/webhooks/" + endpoint[0] + "/secret")
                .then().statusCode(200).extract().path("secret");
        Api.Account after = Api.newUnverifiedAccount();
        Received one = receiver.await(ofType("user.created").and(aboutUser(after.id())), 1, PATIENCE).get(0);
        assertThat(one.signature().split(" ")).hasSize(1);
        assertThat(one.verifiesWith(last)).isTrue();
        assertThat(one.verifiesWith(rotated)).isFalse();
        assertThat(one.verifiesWith(endpoint[1])).isFalse();
    }

    /** Tens of events at once (sign-ups in parallel): each reaches the receiver exactly once. */
    @Test
    void tensOfEventsAtOnceAreEachDeliveredOnce() throws InterruptedException {
        String secret = register(List.of("user.created"))[1];
        List<Supplier<String>> signups = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            signups.add(() -> Api.newUnverifiedAccount().id());
        }
        List<String> users = Parallel.run(signups);

        List<Received> seen = receiver.await(ofType("user.created").and(r -> users.contains(r.data().get("user_id"))),
                30, PATIENCE);
        Thread.sleep(1000); // time for a duplicate, if there were one
        seen = receiver.received(ofType("user.created").and(r -> users.contains(r.data().get("user_id"))));
        assertThat(seen).hasSize(30).allMatch(Received::delivered).allMatch(request -> request.verifiesWith(secret));
        assertThat(seen).extracting(Received::id).doesNotHaveDuplicates();
        assertThat(seen.stream().map(request -> request.data().get("user_id")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(users);
    }

    private static void awaitStatus(String eventId, String status) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(
                () -> Db.single("select status from webhook_messages where event_id = ?::uuid", eventId), status::equals);
    }

    /** Waits for the first logged attempt of the event; returns its error. */
    private static String awaitAttempt(String endpointId, String eventId) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> Db.count("select count(*) from"
                + " webhook_deliveries where endpoint_id = ?::uuid and event_id = ?::uuid", endpointId, eventId) > 0);
        return (String) Db.single("select error from webhook_deliveries where event_id = ?::uuid order by attempt limit 1",
                eventId);
    }
}
