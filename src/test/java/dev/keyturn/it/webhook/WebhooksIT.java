package dev.keyturn.it.webhook;

import static dev.keyturn.support.WebhookReceiver.aboutUser;
import static dev.keyturn.support.WebhookReceiver.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;
import dev.keyturn.support.WebhookReceiver;
import dev.keyturn.support.WebhookReceiver.Received;

/**
 * Webhooks from the packaged service (JVM or native), two replicas on one PostgreSQL, and a receiver in the test JVM
 * that verifies every signature with the Standard Webhooks library: each event reaches it once whichever replica
 * delivers; an event committed while no replica delivers, or while the replica delivering it is killed (SIGKILL)
 * mid-attempt, still goes out after the restart, under the same webhook-id; a deleted account's tokens stay refused
 * across a restart; and production's default refuses destinations inside the deployment. Attempts end after 2 s here,
 * so a claim's lease (2 × 2 s + 5 s) runs out 9 s after a killed replica took it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.replicas("replica-a", "replica-b")
            .with("KEYTURN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true") // the receiver listens on 127.0.0.1
            .with("KEYTURN_WEBHOOK_TIMEOUT", "PT2S")
            .with("KEYTURN_WEBHOOK_POLL_INTERVAL", "PT0.5S")
            .with("KEYTURN_WEBHOOK_RETRY_BASE_DELAY", "PT0.5S")
            .with("KEYTURN_WEBHOOK_RETRY_MAX_DELAY", "PT2S");

    static WebhookReceiver receiver;
    static String admin;
    static String secret;

    @BeforeAll
    static void aReceiverForEveryEvent() throws Exception {
        receiver = WebhookReceiver.start();
        PackagedService a = deployment.service(0);
        Map<String, String> account = a.newAccount("admin");
        deployment.sql("update users set roles = array['user','admin'] where email = '" + account.get("email") + "'");
        admin = (String) a.login(account).get("access_token");
        HttpResponse<String> created = a.send("POST", "/admin/webhooks",
                Map.of("url", receiver.url(), "events", List.of("*")), admin);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        secret = (String) PackagedService.json(created).get("secret");
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static String userId(PackagedService service, Map<String, String> account) throws Exception {
        Map<String, Object> tokens = service.login(account);
        return (String) PackagedService.json(service.get("/users/me", (String) tokens.get("access_token"))).get("id");
    }

    private static String signUp(PackagedService service, String prefix) throws Exception {
        Map<String, String> account = service.newAccount(prefix);
        return userId(service, account);
    }

    @Test
    @Order(1)
    void eachEventIsDeliveredOnceByOneOfTwoReplicas() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> signups = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String username = "twice" + i + java.util.UUID.randomUUID().toString().substring(0, 8);
            signups.add(deployment.service(i % 2).postAsync("/auth/signup", Map.of("username", username,
                    "email", username + "@example.com", "password", "correct horse battery staple")));
        }
        List<String> users = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> signup : signups) {
            HttpResponse<String> answer = signup.get();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            users.add((String) PackagedService.json(answer).get("id"));
        }

        receiver.await(ofType("user.created").and(r -> users.contains(r.data().get("user_id"))), 40, PATIENCE);
        Thread.sleep(1500); // time for a duplicate, if there were one
        List<Received> seen = receiver.received(ofType("user.created").and(r -> users.contains(r.data().get("user_id"))));
        assertThat(seen).hasSize(40).allMatch(Received::delivered).allMatch(request -> request.verifiesWith(secret));
        assertThat(seen).extracting(Received::id).doesNotHaveDuplicates();
        assertThat(deployment.sql("select count(*) from webhook_messages where event_type = 'user.created'"
                + " and status = 'delivered' and attempts = 1 and payload like any (array[" + likeAny(users) + "])"))
                .isEqualTo(40L);
    }

    @Test
    @Order(2)
    void aDeletedAccountsTokensAreRefusedOnEveryReplicaAndAfterARestart() throws Exception {
        PackagedService a = deployment.service(0);
        PackagedService b = deployment.service(1);
        Map<String, String> account = a.newAccount("leaving");
        Map<String, Object> tokens = a.login(account);
        String access = (String) tokens.get("access_token");
        String id = (String) PackagedService.json(a.get("/users/me", access)).get("id");
        assertThat(b.get("/users/me", access).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = b.send("DELETE", "/users/me", Map.of("password", account.get("password")), access);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(b.get("/users/me", access).statusCode()).isEqualTo(401);
        long deletedAt = System.nanoTime();
        while (a.get("/users/me", access).statusCode() == 200 && System.nanoTime() - deletedAt < 2_000_000_000L) {
            Thread.sleep(20);
        }
        assertThat(a.get("/users/me", access).statusCode()).isEqualTo(401);
        assertThat(a.post("/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token"))).statusCode()).isEqualTo(401);
        Received gone = receiver.await(ofType("user.deleted").and(aboutUser(id)), 1, PATIENCE).get(0);
        assertThat(gone.verifiesWith(secret)).isTrue();
        assertThat(gone.data()).containsEntry("by", "self");

        // the session rows went with the account; a replica that starts now reads the revocation from its tombstone
        assertThat(deployment.sql("select count(*) from sessions where user_id = '" + id + "'")).isEqualTo(0L);
        a.stop();
        a.restart();
        assertThat(a.get("/users/me", access).statusCode()).isEqualTo(401);
        // the address is free again
        assertThat(a.post("/auth/signup", Map.of("username", account.get("username"), "email", account.get("email"),
                "password", account.get("password"))).statusCode()).isEqualTo(201);
    }

    /** The crash between commit and delivery: the event is in the outbox, no replica sent it, the process dies. */
    @Test
    @Order(3)
    void anEventCommittedWhileNoReplicaDeliversGoesOutOnceAfterTheRestart() throws Exception {
        PackagedService a = deployment.service(0);
        deployment.service(1).stop(); // from here on replica a alone delivers, when it does
        a.kill();
        a.restartWith(Map.of("KEYTURN_WEBHOOK_DELIVERY", "false"));
        String id = signUp(a, "waiting");
        Thread.sleep(2000);
        assertThat(receiver.received(aboutUser(id))).as("sent by a replica that does not deliver").isEmpty();
        assertThat(deployment.sql("select attempts from webhook_messages m join audit_events e on e.id = m.event_id"
                + " where e.user_id = '" + id + "' and m.status = 'pending'")).isEqualTo(0);

        a.kill();
        a.restartWith(Map.of("KEYTURN_WEBHOOK_DELIVERY", "true"));
        Received created = receiver.await(ofType("user.created").and(aboutUser(id)), 1, PATIENCE).get(0);
        assertThat(created.verifiesWith(secret)).isTrue();
        Thread.sleep(1500);
        assertThat(receiver.received(ofType("user.created").and(aboutUser(id)))).hasSize(1);
        assertThat(deployment.sql("select status || ' ' || attempts from webhook_messages where event_id = '"
                + created.id() + "'")).isEqualTo("delivered 1");
    }

    /** Killed mid-attempt: the lease runs out and the restarted replica sends the event again, same webhook-id. */
    @Test
    @Order(4)
    void aReplicaKilledMidDeliveryLosesNothing() throws Exception {
        PackagedService a = deployment.service(0);
        receiver.hold();
        String id = signUp(a, "interrupted");
        Received held = receiver.await(ofType("user.created").and(aboutUser(id)), 1, PATIENCE).get(0);
        a.kill();
        receiver.release(); // the held request gets no answer
        a.restart();

        List<Received> attempts = receiver.await(ofType("user.created").and(aboutUser(id)).and(Received::delivered), 1,
                PATIENCE);
        Thread.sleep(1500);
        List<Received> all = receiver.received(ofType("user.created").and(aboutUser(id)));
        assertThat(all).hasSize(2).extracting(Received::id).containsOnly(held.id());
        assertThat(all).filteredOn(Received::delivered).hasSize(1);
        assertThat(attempts.get(0).verifiesWith(secret)).isTrue();
        assertThat(deployment.sql("select status || ' ' || attempts from webhook_messages where event_id = '"
                + held.id() + "'")).isEqualTo("delivered 2");
    }

    @Test
    @Order(5)
    void productionRefusesDestinationsInsideTheDeployment() throws Exception {
        PackagedService a = deployment.service(0);
        a.stop();
        a.restartWith(Map.of("KEYTURN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "false"));
        try (WebhookReceiver inside = WebhookReceiver.start()) {
            for (String url : List.of(inside.url(), "http://localhost:" + inside.port() + "/x",
                    "http://169.254.169.254/latest/meta-data/")) {
                HttpResponse<String> refused = a.send("POST", "/admin/webhooks",
                        Map.of("url", url, "events", List.of("*")), admin);
                assertThat(refused.statusCode()).as(url).isEqualTo(400);
                assertThat(PackagedService.json(refused).get("code")).isEqualTo("validation_failed");
            }
            // one that got in anyway (registered while the rule was off) is refused at each attempt
            String endpoint = java.util.UUID.randomUUID().toString();
            deployment.sql("insert into webhook_endpoints (id, url, events, secret, enabled, created_at, updated_at)"
                    + " values ('" + endpoint + "', '" + inside.url() + "', array['user.created'], '" + secret
                    + "', true, now(), now())");
            String id = signUp(a, "guarded");
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            Object error;
            while ((error = deployment.sql("select error from webhook_deliveries where endpoint_id = '" + endpoint
                    + "' order by attempted_at limit 1")) == null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat((String) error).startsWith("refused destination");
            assertThat(inside.received()).isEmpty();
            assertThat(receiver.received(aboutUser(id))).as("the first endpoint, on 127.0.0.1 too").isEmpty();
        }
    }

    private static String likeAny(List<String> users) {
        return String.join(",", users.stream().map(id -> "'%" + id + "%'").toList());
    }
}
