package dev.keyturn.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Security headers on every answer (docs/security.md), no caching of tokens or personal data, and no
 * CORS unless origins are configured.
 */
@QuarkusTest
class SecurityHeadersTest {

    private static void hasBaseHeaders(Response response) {
        response.then()
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer");
    }

    @Test
    void everyApiAnswerCarriesTheHeadersAndAStrictPolicy() {
        for (Response response : new Response[] { given().get("/"), given().get("/no/such/route"),
                given().get("/.well-known/jwks.json"), given().get("/users/me") }) {
            hasBaseHeaders(response);
            response.then().header("Content-Security-Policy", org.hamcrest.Matchers.startsWith("default-src 'none'"));
        }
    }

    @Test
    void answersWithTokensOrPersonalDataAreNeverCached() {
        Api.Account account = Api.newAccount();
        Api.Tokens tokens = Api.login(account);
        Response login = Api.login(account.email(), account.password());
        Response me = Api.me(tokens.accessToken());
        for (Response response : new Response[] { login, me }) {
            hasBaseHeaders(response);
            assertThat(response.headers().getValues("Cache-Control")).containsExactly("no-store");
        }
        // the JWKS is public and cacheable
        given().get("/.well-known/jwks.json").then().header("Cache-Control", org.hamcrest.Matchers.containsString("max-age"));
    }

    @Test
    void swaggerUiGetsAPolicyItCanRunWith() {
        Response ui = given().get("/q/swagger-ui/");
        hasBaseHeaders(ui);
        ui.then().header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"));
    }

    @Test
    void corsIsOffByDefault() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/auth/login").then().header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        given().header("Origin", "https://evil.example").get("/").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void problemAnswersCarryTheHeadersToo() {
        hasBaseHeaders(Api.login(Api.uniqueName("nobody") + "@example.com", "a wrong password").then()
                .statusCode(401).body("code", equalTo("invalid_credentials")).extract().response());
    }
}
