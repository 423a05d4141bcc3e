package dev.keyturn.oauth;

import static dev.keyturn.support.Api.adminToken;
import static dev.keyturn.support.OAuthClients.register;
import static dev.keyturn.support.OAuthClients.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Burst;
import dev.keyturn.support.Db;
import dev.keyturn.support.OAuthClients;
import dev.keyturn.support.OAuthClients.Client;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** docs/api.md /admin/clients: registration, secrets shown once and rotated two at a time, and who may do it. */
@QuarkusTest
class ClientAdminTest {

    String admin;

    @BeforeEach
    void anAdmin() {
        admin = adminToken();
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(admin).contentType(ContentType.JSON);
    }

    private static Map<String, Object> body(String clientId, String type, List<String> grants) {
        Map<String, Object> body = new HashMap<>();
        body.put("client_id", clientId);
        body.put("name", "Orders");
        body.put("type", type);
        body.put("grant_types", grants);
        body.put("scopes", List.of("orders.read"));
        return body;
    }

    @Test
    void onlyAnAdminNowMayManageClients() {
        String user = Api.login(Api.newAccount()).accessToken();
        RequestSpecification plain = given().auth().oauth2(user).contentType(ContentType.JSON);
        for (Response response : List.of(plain.get("/admin/clients"),
                plain.body(body("x", "public", List.of("password"))).post("/admin/clients"),
                plain.get("/admin/clients/x"), plain.delete("/admin/clients/x"), plain.post("/admin/clients/x/secrets"))) {
            response.then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        }
        given().get("/admin/clients").then().statusCode(401);
        // a demoted admin's token still says admin; the stored roles decide
        Db.update("update users set roles = array['user'] where id = (select user_id from sessions where id = ?::uuid)",
                dev.keyturn.support.Jwts.claims(admin).get("sid"));
        asAdmin().get("/admin/clients").then().statusCode(403);
    }

    @Test
    void aConfidentialClientsSecretIsShownOnceAndStoredHashed() {
        String id = Api.uniqueName("orders");
        Response created = register(admin, body(id, "confidential", List.of("client_credentials"))).then()
                .statusCode(201).header("Location", org.hamcrest.Matchers.endsWith("/admin/clients/" + id))
                .body("client_id", equalTo(id)).body("type", equalTo("confidential"))
                .body("grant_types", equalTo(List.of("client_credentials"))).body("enabled", equalTo(true))
                .body("managed_by", equalTo("api")).body("secrets", hasSize(1))
                .body("client_secret", notNullValue()).extract().response();
        String secret = created.path("client_secret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);

        asAdmin().get("/admin/clients/" + id).then().statusCode(200).body("client_secret", nullValue())
                .body("secrets", hasSize(1)).body("secrets[0].client_secret", nullValue());
        asAdmin().get("/admin/clients").then().statusCode(200).body("client_id", hasItem(id));
        Object stored = Db.single("select encode(secret_hash, 'hex') from oauth_client_secrets where client_id = ?", id);
        assertThat(String.valueOf(stored)).doesNotContain(secret).hasSize(64);
        token(new Client(id, secret), Map.of("grant_type", "client_credentials")).then().statusCode(200);
    }

    @Test
    void badRegistrationsAreRefusedAndChangeNothing() {
        long before = Db.count("select count(*) from oauth_clients");
        String id = Api.uniqueName("bad");
        for (Map<String, Object> bad : List.of(
                body(id, "public", List.of("client_credentials")),
                body(id, "secretive", List.of("password")),
                body(id, "confidential", List.of("implicit")),
                body(id, "confidential", List.of()),
                body("has space", "public", List.of("password")),
                body(id, "public", List.of("password", "password_reset")),
                Map.of("name", "x", "type", "confidential", "grant_types", List.of("client_credentials"),
                        "client_secret", "chosen-by-the-caller-0123456789012345"),
                Map.of("name", "x", "type", "confidential", "grant_types", List.of("client_credentials"),
                        "jwks", Map.of("keys", List.of(Map.of("kty", "oct", "k", "c2VjcmV0")))))) {
            register(admin, bad).then().statusCode(400).contentType("application/problem+json")
                    .body("code", equalTo("validation_failed"));
        }
        register(admin, Map.of("name", "x")).then().statusCode(400);
        assertThat(Db.count("select count(*) from oauth_clients")).isEqualTo(before);
    }

    @Test
    void parallelRegistrationsOfOneIdMakeOneClient() {
        String id = Api.uniqueName("race");
        List<Integer> statuses = Burst.times(20, i -> register(admin, body(id, "confidential",
                List.of("client_credentials"))).statusCode());
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
        assertThat(Db.count("select count(*) from oauth_client_secrets where client_id = ?", id)).isEqualTo(1);
        register(admin, body(id, "public", List.of("password"))).then().statusCode(409)
                .body("code", equalTo("client_id_taken"));
    }

    @Test
    void secretsRotateTwoAtATimeEvenUnderParallelRequests() {
        Client client = OAuthClients.confidential(admin, List.of("client_credentials"), List.of());
        String first = Db.single("select id::text from oauth_client_secrets where client_id = ?", client.clientId()).toString();

        List<Response> answers = Burst.times(10, i -> asAdmin().post("/admin/clients/" + client.clientId() + "/secrets"));

        List<Response> made = answers.stream().filter(r -> r.statusCode() == 201).toList();
        assertThat(made).hasSize(1);
        answers.stream().filter(r -> r.statusCode() != 201).forEach(r -> r.then().statusCode(409)
                .body("code", equalTo("too_many_secrets")));
        assertThat(Db.count("select count(*) from oauth_client_secrets where client_id = ?", client.clientId())).isEqualTo(2);
        Client second = new Client(client.clientId(), made.get(0).path("client_secret"));
        // both live secrets work while the old one is being replaced
        token(client, Map.of("grant_type", "client_credentials")).then().statusCode(200);
        token(second, Map.of("grant_type", "client_credentials")).then().statusCode(200);

        asAdmin().delete("/admin/clients/" + client.clientId() + "/secrets/" + first).then().statusCode(204);
        token(client, Map.of("grant_type", "client_credentials")).then().statusCode(401);
        token(second, Map.of("grant_type", "client_credentials")).then().statusCode(200);
        asAdmin().delete("/admin/clients/" + client.clientId() + "/secrets/" + first).then().statusCode(404);
    }

    @Test
    void aClientsTypeCannotChangeAndADeletedClientIsGone() {
        Client app = OAuthClients.publicClient(admin, List.of("password", "refresh_token"), List.of());
        Api.Account account = Api.newAccount();
        Response tokens = OAuthClients.password(app, account).then().statusCode(200).extract().response();

        asAdmin().body(body(app.clientId(), "confidential", List.of("password"))).put("/admin/clients/" + app.clientId())
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        asAdmin().body(Map.of("name", "Renamed", "type", "public", "grant_types", List.of("password", "refresh_token"),
                "scopes", List.of("profile"))).put("/admin/clients/" + app.clientId())
                .then().statusCode(200).body("name", equalTo("Renamed")).body("scopes", equalTo(List.of("profile")));
        // a public client has no secrets
        asAdmin().post("/admin/clients/" + app.clientId() + "/secrets").then().statusCode(400);

        asAdmin().delete("/admin/clients/" + app.clientId()).then().statusCode(204);

        asAdmin().get("/admin/clients/" + app.clientId()).then().statusCode(404).body("code", equalTo("not_found"));
        asAdmin().delete("/admin/clients/" + app.clientId()).then().statusCode(404);
        Api.me(tokens.path("access_token")).then().statusCode(401);
        OAuthClients.refresh(app, tokens.path("refresh_token")).then().statusCode(401).body("error", equalTo("invalid_client"));
        assertThat(Db.single("select revoked_reason from sessions where client_id = ?", app.clientId()))
                .isEqualTo("client_deleted");
    }
}
