package dev.keyturn.token;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** docs/api.md: GET /.well-known/openid-configuration, and the same metadata at RFC 8414's address. */
@QuarkusTest
class DiscoveryTest {

    @ConfigProperty(name = "keyturn.tokens.issuer")
    String issuer;

    private static Map<String, Object> document(String path) {
        return given().get(path).then().statusCode(200)
                .contentType("application/json")
                .header("Cache-Control", containsString("max-age=300"))
                .extract().as(Map.class);
    }

    @Test
    void theOpenIdConfigurationNamesTheIssuerAndItsKeys() {
        Map<String, Object> metadata = document("/.well-known/openid-configuration");
        assertThat(metadata.get("issuer")).isEqualTo(issuer);
        assertThat(metadata.get("jwks_uri")).isEqualTo(issuer + "/.well-known/jwks.json");
        assertThat(metadata.get("revocation_endpoint")).isEqualTo(issuer + "/oauth/revoke");
        assertThat(metadata.get("introspection_endpoint")).isEqualTo(issuer + "/oauth/introspect");
        assertThat(metadata.get("id_token_signing_alg_values_supported")).isEqualTo(List.of("RS256"));
        assertThat(metadata.get("subject_types_supported")).isEqualTo(List.of("public"));
        assertThat(metadata.get("revocation_endpoint_auth_methods_supported")).isEqualTo(List.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt"));
        assertThat(metadata.get("introspection_endpoint_auth_methods_supported")).isEqualTo(List.of("client_secret_basic"));
        assertThat((List<String>) metadata.get("claims_supported")).contains("sub", "sid", "roles", "preferred_username");
        // the token endpoint (RFC 6749) and what it takes; no authorization endpoint, so no response types
        assertThat(metadata.get("token_endpoint")).isEqualTo(issuer + "/oauth/token");
        assertThat(metadata.get("grant_types_supported")).isEqualTo(List.of("password", "refresh_token", "client_credentials",
                "urn:keyturn:params:oauth:grant-type:mfa"));
        assertThat(metadata.get("acr_values_supported")).isEqualTo(List.of("pwd", "mfa"));
        assertThat(metadata.get("claims_supported").toString()).contains("amr", "acr", "auth_time");
        assertThat(metadata.get("token_endpoint_auth_methods_supported"))
                .isEqualTo(List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
        assertThat(metadata.get("token_endpoint_auth_signing_alg_values_supported")).isEqualTo(List.of("RS256", "PS256", "ES256"));
        assertThat(metadata).doesNotContainKeys("authorization_endpoint");
        assertThat(metadata.get("response_types_supported")).isEqualTo(List.of());
    }

    @Test
    void rfc8414MetadataIsTheSameDocument() {
        assertThat(document("/.well-known/oauth-authorization-server"))
                .isEqualTo(document("/.well-known/openid-configuration"));
    }

    @Test
    void everyAdvertisedEndpointIsServedHere() {
        Map<String, Object> metadata = document("/.well-known/openid-configuration");
        given().get(URI.create((String) metadata.get("jwks_uri")).getPath()).then().statusCode(200);
        // the endpoints exist (a GET is the wrong method, not an unknown route)
        given().get(URI.create((String) metadata.get("revocation_endpoint")).getPath()).then().statusCode(405);
        given().get(URI.create((String) metadata.get("introspection_endpoint")).getPath()).then().statusCode(405);
    }

    @Test
    void theNewRoutesAreInTheOpenApiDocument() {
        String openapi = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(openapi).contains("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
                "/oauth/revoke", "/oauth/introspect", "application/x-www-form-urlencoded");
    }
}
