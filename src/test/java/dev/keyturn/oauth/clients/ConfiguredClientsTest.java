package dev.keyturn.oauth.clients;

import static dev.keyturn.support.Api.adminToken;
import static dev.keyturn.support.OAuthClients.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.OAuthClients;
import dev.keyturn.support.OAuthClients.Client;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;

/**
 * KEYTURN_CLIENTS (GitOps): what start-up applies, through the very code it runs at start ({@link ConfiguredClients}),
 * against the real database and token endpoint. The declaration is a JSON string, as the variable holds it.
 */
@QuarkusTest
class ConfiguredClientsTest {

    private static final String SECRET = "declared-secret-0123456789-abcdefghij";

    @Inject
    ConfiguredClients configured;

    private void apply(String json) throws Throwable {
        List<ConfiguredClients.Declared> declared = configured.check(configured.parse(json, "KEYTURN_CLIENTS"));
        VertxContextSupport.subscribeAndAwait(() -> configured.apply(declared));
    }

    @AfterEach
    void nothingDeclared() throws Throwable {
        apply("[]");
    }

    private static String billing(String secret, boolean enabled) {
        return """
                [{"client_id": "gitops-billing", "name": "Billing", "type": "confidential",
                  "grant_types": ["client_credentials"], "scopes": ["invoices.read"], "audience": ["billing-api"],
                  "enabled": %s, "client_secret": "%s"}]""".formatted(enabled, secret);
    }

    @Test
    void aDeclaredClientWorksAndOnlyConfigurationChangesIt() throws Throwable {
        apply(billing(SECRET, true));

        token(new Client("gitops-billing", SECRET), Map.of("grant_type", "client_credentials")).then().statusCode(200)
                .body("scope", equalTo("invoices.read"));
        assertThat(Db.single("select managed_by from oauth_clients where client_id = 'gitops-billing'"))
                .isEqualTo("configuration");
        String admin = adminToken();
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "type", "confidential", "grant_types", List.of("client_credentials")))
                .put("/admin/clients/gitops-billing").then().statusCode(409)
                .body("code", equalTo("client_managed_by_configuration"));
        given().auth().oauth2(admin).post("/admin/clients/gitops-billing/secrets").then().statusCode(409);
        given().auth().oauth2(admin).delete("/admin/clients/gitops-billing").then().statusCode(409);

        // a new start with a new secret: the old one stops working
        String rotated = "rotated-secret-0123456789-abcdefghijkl";
        apply(billing(rotated, true));
        token(new Client("gitops-billing", SECRET), Map.of("grant_type", "client_credentials")).then().statusCode(401);
        token(new Client("gitops-billing", rotated), Map.of("grant_type", "client_credentials")).then().statusCode(200);
        assertThat(Db.count("select count(*) from oauth_client_secrets where client_id = 'gitops-billing'")).isEqualTo(1);
        // applying the same declaration twice (two replicas starting) changes nothing more
        apply(billing(rotated, true));
        assertThat(Db.count("select count(*) from oauth_clients where client_id = 'gitops-billing'")).isEqualTo(1);
    }

    @Test
    void aClientNoLongerDeclaredIsDeletedWithItsSessions() throws Throwable {
        apply("""
                [{"client_id": "gitops-portal", "name": "Portal", "type": "public",
                  "grant_types": ["password", "refresh_token"], "scopes": []}]""");
        Client portal = new Client("gitops-portal", null);
        String access = OAuthClients.password(portal, Api.newAccount()).then().statusCode(200).extract().path("access_token");

        apply("[]");

        assertThat(Db.count("select count(*) from oauth_clients where client_id = 'gitops-portal'")).isZero();
        Api.me(access).then().statusCode(401);
        assertThat(Db.single("select revoked_reason from sessions where client_id = 'gitops-portal'"))
                .isEqualTo("client_deleted");
    }

    @Test
    void aDeclarationThatDoesNotHoldStopsTheStartAndNamesNoSecret() {
        for (String bad : List.of("{\"client_id\": \"x\"}", "[{", "[null]",
                billing("short", true),
                "[{\"name\": \"No id\", \"type\": \"public\", \"grant_types\": [\"password\"]}]",
                "[{\"client_id\": \"c\", \"name\": \"Conf\", \"type\": \"confidential\", \"grant_types\": [\"client_credentials\"]}]",
                "[{\"client_id\": \"p\", \"name\": \"Pub\", \"type\": \"public\", \"grant_types\": [\"client_credentials\"]}]",
                "[{\"client_id\": \"d\", \"name\": \"A\", \"type\": \"public\", \"grant_types\": [\"password\"]},"
                        + " {\"client_id\": \"d\", \"name\": \"B\", \"type\": \"public\", \"grant_types\": [\"password\"]}]",
                "[{\"client_id\": \"u\", \"name\": \"U\", \"type\": \"public\", \"grant_types\": [\"password\"], \"colour\": 1}]")) {
            assertThatThrownBy(() -> configured.check(configured.parse(bad, "KEYTURN_CLIENTS"))).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("KEYTURN_CLIENTS")
                    .hasMessageNotContaining("short\"");
        }
    }
}
