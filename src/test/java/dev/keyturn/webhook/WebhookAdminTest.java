package dev.keyturn.webhook;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** docs/api.md "Webhooks", the admin routes: refused to anyone but a current admin, strict about their input. */
@QuarkusTest
class WebhookAdminTest {

    private static final String URL = "https://hooks.example.com/keyturn";

    String adminToken;
    final List<String> made = new ArrayList<>();

    @BeforeEach
    void anAdmin() {
        adminToken = Api.adminToken();
    }

    @AfterEach
    void deleteWhatTheTestMade() {
        made.forEach(id -> Db.update("delete from webhook_endpoints where id = ?::uuid", id));
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON);
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    private Response create(Map<String, Object> body) {
        Response created = asAdmin().body(body).post("/admin/webhooks");
        if (created.statusCode() == 201) {
            made.add(created.path("id"));
        }
        return created;
    }

    private String createEndpoint() {
        return create(body("url", URL, "events", List.of("user.created"))).then().statusCode(201).extract().path("id");
    }

    @Test
    void anyoneButACurrentAdminIsRefusedEverywhere() {
        String id = createEndpoint();
        String userToken = login(newAccount()).accessToken();
        RequestSpecification user = given().auth().oauth2(userToken).contentType(ContentType.JSON);
        Map<String, Object> valid = body("url", URL, "events", List.of("*"));
        for (Response answer : List.of(
                user.body(valid).post("/admin/webhooks"),
                user.get("/admin/webhooks"),
                user.get("/admin/webhooks/" + id),
                user.body(valid).put("/admin/webhooks/" + id),
                user.delete("/admin/webhooks/" + id),
                user.body(Map.of()).post("/admin/webhooks/" + id + "/secret"),
                user.get("/admin/webhooks/" + id + "/deliveries"))) {
            answer.then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        }
        given().get("/admin/webhooks").then().statusCode(401).body("code", equalTo("invalid_token"));

        // an admin demoted a moment ago still holds a token that says admin: his stored roles decide
        Api.Account demoted = newAccount();
        Api.makeAdmin(demoted);
        String stale = login(demoted).accessToken();
        Db.update("update users set roles = array['user'] where id = ?::uuid", demoted.id());
        given().auth().oauth2(stale).contentType(ContentType.JSON).body(valid).post("/admin/webhooks").then().statusCode(403);
        given().auth().oauth2(stale).delete("/admin/webhooks/" + id).then().statusCode(403);

        assertThat(Db.count("select count(*) from webhook_endpoints where id = ?::uuid", id)).isEqualTo(1);
        assertThat(Db.single("select events[1] from webhook_endpoints where id = ?::uuid", id)).isEqualTo("user.created");
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        long before = Db.count("select count(*) from webhook_endpoints");
        String eightBytes = "whsec_" + Base64.getEncoder().encodeToString(new byte[8]);
        List<Map<String, Object>> bodies = List.of(
                body("url", "ftp://hooks.example.com/x", "events", List.of("user.created")),
                body("url", "not a url at all", "events", List.of("user.created")),
                body("url", "/relative/path", "events", List.of("user.created")),
                body("url", "http://user:secret@hooks.example.com/x", "events", List.of("user.created")),
                body("url", "https://hooks.example.com/x#fragment", "events", List.of("user.created")),
                body("url", "https://" + "a".repeat(2000) + ".example.com/", "events", List.of("user.created")),
                body("url", URL, "events", List.of()),
                body("url", URL, "events", List.of("user.nope")),
                body("url", URL, "events", List.of("mfa.")),
                body("url", URL, "events", List.of("user.created", "")),
                body("url", URL),
                body("events", List.of("user.created")),
                body("url", URL, "events", List.of("user.created"), "secret", "abc"),
                body("url", URL, "events", List.of("user.created"), "secret", eightBytes),
                body("url", URL, "events", List.of("user.created"), "secret", "whsec_not base64!"),
                body("url", URL, "events", List.of("user.created"), "description", "line\nbreak"),
                body("url", URL, "events", List.of("user.created"), "surprise", true),
                body("url", URL, "events", "user.created"));
        for (Map<String, Object> bad : bodies) {
            create(bad).then().statusCode(400).contentType("application/problem+json")
                    .body("code", equalTo("validation_failed"));
        }
        asAdmin().body("[").post("/admin/webhooks").then().statusCode(400).body("code", equalTo("malformed_request"));
        assertThat(Db.count("select count(*) from webhook_endpoints")).as("endpoints made by bad requests").isEqualTo(before);

        String id = createEndpoint();
        String secret = (String) Db.single("select secret from webhook_endpoints where id = ?::uuid", id);
        asAdmin().body(body("url", URL, "events", List.of("user.created"), "secret", WebhookSecrets.generate()))
                .put("/admin/webhooks/" + id).then().statusCode(400).body("errors[0].field", equalTo("secret"));
        asAdmin().body(body("url", "gopher://x", "events", List.of("*"))).put("/admin/webhooks/" + id).then().statusCode(400);
        asAdmin().body(body("secret", "whsec_short")).post("/admin/webhooks/" + id + "/secret").then().statusCode(400);
        asAdmin().body(body("previous_secret_expires_in", -1)).post("/admin/webhooks/" + id + "/secret").then().statusCode(400);
        asAdmin().body(body("previous_secret_expires_in", 10_000_000)).post("/admin/webhooks/" + id + "/secret")
                .then().statusCode(400);
        given().auth().oauth2(adminToken).contentType(ContentType.TEXT).body("whsec_x").post("/admin/webhooks/" + id + "/secret")
                .then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        assertThat(Db.single("select secret from webhook_endpoints where id = ?::uuid", id)).isEqualTo(secret);
        assertThat(Db.single("select array_to_string(events, ',') from webhook_endpoints where id = ?::uuid", id))
                .isEqualTo("user.created");
        assertThat(Db.single("select url from webhook_endpoints where id = ?::uuid", id)).isEqualTo(URL);

        asAdmin().get("/admin/webhooks/" + id + "/deliveries?size=0").then().statusCode(400);
        asAdmin().get("/admin/webhooks/" + id + "/deliveries?size=101").then().statusCode(400);
        asAdmin().get("/admin/webhooks/" + id + "/deliveries?page=-1").then().statusCode(400);
    }

    @Test
    void theSecretIsMadeByTheServiceAndShownOnce() {
        Response created = create(body("url", URL, "events", List.of("user.created", "mfa.*", "user.created"),
                "description", "CRM sync"));
        created.then().statusCode(201)
                .header("Location", endsWith("/admin/webhooks/" + created.path("id")))
                .body("secret", startsWith("whsec_"))
                .body("events", contains("user.created", "mfa.*"))
                .body("enabled", equalTo(true))
                .body("description", equalTo("CRM sync"))
                .body("pending_messages", equalTo(0));
        String secret = created.path("secret");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        String id = created.path("id");

        asAdmin().get("/admin/webhooks/" + id).then().statusCode(200).body("id", equalTo(id)).body("$", not(hasKey("secret")));
        asAdmin().get("/admin/webhooks").then().statusCode(200).body("id", hasItem(id))
                .body("find { it.id == '" + id + "' }", not(hasKey("secret")));
        // the admin's own secret, of the standard form, is kept as given
        String own = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);
        Response brought = create(body("url", URL, "events", List.of("*"), "secret", own, "enabled", false));
        brought.then().statusCode(201).body("secret", equalTo(own)).body("enabled", equalTo(false));
        // the audit log names the admin and the endpoint, never its URL or secret
        String detail = (String) Db.single("select detail::text from audit_events where type = 'webhook_created'"
                + " and detail->>'webhook_id' = ?", id);
        assertThat(detail).doesNotContain("hooks.example.com").doesNotContain(secret);
    }

    @Test
    void updateReplacesTheSettingsAndKeepsTheSecret() {
        String id = createEndpoint();
        String secret = (String) Db.single("select secret from webhook_endpoints where id = ?::uuid", id);
        asAdmin().body(body("url", "https://other.example.com/hook?token=abc", "events", List.of("user.deleted", "*"),
                "enabled", false)).put("/admin/webhooks/" + id).then().statusCode(200)
                .body("url", equalTo("https://other.example.com/hook?token=abc"))
                .body("events", contains("user.deleted", "*"))
                .body("enabled", equalTo(false))
                .body("description", nullValue())
                .body("$", not(hasKey("secret")));
        assertThat(Db.single("select secret from webhook_endpoints where id = ?::uuid", id)).isEqualTo(secret);
        asAdmin().body(body("url", URL, "events", List.of("*"))).put("/admin/webhooks/" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void rotationShowsTheNewSecretOnceAndKeepsTheOldOneSigningForAWhile() {
        String id = createEndpoint();
        String old = (String) Db.single("select secret from webhook_endpoints where id = ?::uuid", id);
        // no body: a secret made by the service, the old one signing for a day more
        Response rotated = given().auth().oauth2(adminToken).post("/admin/webhooks/" + id + "/secret");
        rotated.then().statusCode(200).body("secret", startsWith("whsec_")).body("previous_secret_expires_at", notNullValue());
        assertThat((String) rotated.path("secret")).isNotEqualTo(old);
        assertThat(Db.single("select previous_secret from webhook_endpoints where id = ?::uuid", id)).isEqualTo(old);
        assertThat((Double) Db.single("select extract(epoch from previous_secret_expires_at - now())::float8"
                + " from webhook_endpoints where id = ?::uuid", id)).isBetween(86_000.0, 86_400.0);

        String own = WebhookSecrets.generate();
        asAdmin().body(body("secret", own, "previous_secret_expires_in", 0)).post("/admin/webhooks/" + id + "/secret")
                .then().statusCode(200).body("secret", equalTo(own)).body("$", not(hasKey("previous_secret_expires_at")));
        assertThat(Db.single("select previous_secret from webhook_endpoints where id = ?::uuid", id)).isNull();
        asAdmin().get("/admin/webhooks/" + id).then().body("$", not(hasKey("secret")));
        assertThat(Db.count("select count(*) from audit_events where type = 'webhook_secret_rotated'"
                + " and detail->>'webhook_id' = ?", id)).isEqualTo(2);
    }

    @Test
    void deletionTakesTheEndpointItsMessagesAndItsLog() {
        String id = createEndpoint();
        Db.update("insert into webhook_messages (id, endpoint_id, event_id, event_type, payload, created_at,"
                + " next_attempt_at) values (gen_random_uuid(), ?::uuid, gen_random_uuid(), 'user.created', '{}', now(),"
                + " now() + interval '1 hour')", id);
        asAdmin().get("/admin/webhooks/" + id).then().body("pending_messages", equalTo(1));
        deliveries(id, 1);

        asAdmin().delete("/admin/webhooks/" + id).then().statusCode(204);
        asAdmin().get("/admin/webhooks/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().delete("/admin/webhooks/" + id).then().statusCode(404);
        assertThat(Db.count("select count(*) from webhook_messages where endpoint_id = ?::uuid", id)).isZero();
        assertThat(Db.count("select count(*) from webhook_deliveries where endpoint_id = ?::uuid", id)).isZero();
        asAdmin().get("/admin/webhooks/not-a-uuid").then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().get("/admin/webhooks/" + UUID.randomUUID() + "/deliveries").then().statusCode(404);
    }

    @Test
    void theDeliveryLogIsPagedNewestFirst() {
        String id = createEndpoint();
        deliveries(id, 3);
        asAdmin().get("/admin/webhooks/" + id + "/deliveries?size=2").then().statusCode(200)
                .body("total", equalTo(3)).body("page", equalTo(0)).body("size", equalTo(2))
                .body("items", hasSize(2))
                .body("items.attempt", contains(3, 2))
                .body("items[0].status_code", equalTo(503))
                .body("items[0].outcome", equalTo("retrying"))
                .body("items[0].event_type", equalTo("user.created"));
        asAdmin().get("/admin/webhooks/" + id + "/deliveries?size=2&page=1").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].attempt", equalTo(1));
    }

    /** {@code n} attempts of one message in the endpoint's log, a second apart, the newest last. */
    private static void deliveries(String endpointId, int n) {
        UUID message = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        for (int attempt = 1; attempt <= n; attempt++) {
            Db.update("insert into webhook_deliveries (id, endpoint_id, message_id, event_id, event_type, attempt,"
                    + " attempted_at, duration_ms, status_code, error, outcome) values (gen_random_uuid(), ?::uuid, ?, ?,"
                    + " 'user.created', ?, now() - (? * interval '1 second'), 12, 503, null, 'retrying')",
                    endpointId, message, event, attempt, n - attempt);
        }
    }
}
