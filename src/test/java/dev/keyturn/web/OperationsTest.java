package dev.keyturn.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The welcome route, health, OpenAPI, and problem answers for routes that do not exist. */
@QuarkusTest
class OperationsTest {

    @Test
    void welcome() {
        given().get("/").then().statusCode(200)
                .body("service", equalTo("keyturn"))
                .body("version", notNullValue())
                .body("docs", equalTo("/q/swagger-ui"));
    }

    @Test
    void readinessChecksTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void openApiDocumentsEveryRouteWithItsErrors() {
        var spec = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String path : List.of("/", "/auth/signup", "/auth/login", "/auth/refresh", "/auth/logout", "/users/me",
                "/users/{id}", "/.well-known/jwks.json")) {
            org.assertj.core.api.Assertions.assertThat(spec.getMap("paths")).as(path).containsKey(path);
        }
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/auth/login'.post.responses")).containsKeys("200", "401");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/auth/refresh'.post.responses")).containsKey("401");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/users/{id}'.get.responses")).containsKeys("403", "401");
        // the import takes two media types, and its body is described although the method reads it as it arrives
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/admin/users/import'.post.requestBody.content"))
                .containsKeys("application/x-ndjson", "application/json");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/admin/users/import'.post.responses"))
                .containsKeys("200", "400", "401", "403", "413", "415");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas.ImportedUser.properties"))
                .containsKeys("username", "email", "email_verified", "roles", "password", "password_hash", "credentials");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas.KeycloakCredential.properties"))
                .containsKeys("type", "secretData", "credentialData");
    }

    @Test
    void openApiDocumentsTheSecondFactorRoutes() {
        var spec = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths")).containsKeys("/auth/login/mfa",
                "/auth/passkey/options", "/auth/passkey/login", "/auth/step-up", "/auth/step-up/options",
                "/users/me/mfa", "/users/me/mfa/totp", "/users/me/mfa/totp/{id}/confirm", "/users/me/mfa/passkeys",
                "/users/me/mfa/passkeys/options", "/users/me/mfa/factors/{id}", "/users/me/mfa/recovery-codes",
                "/admin/users/{id}/mfa");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/auth/login/mfa'.post.responses"))
                .containsKeys("200", "400", "401", "403", "429");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("paths.'/users/me/password'.put.responses.401"))
                .extracting("description").asString().contains("insufficient_user_authentication");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas")).containsKeys("TotpEnrolment",
                "EnrolledFactor", "SecondFactors", "PasskeyOptions", "StepUp", "RecoveryCodes");
    }

    @Test
    void openApiNamesPropertiesAsTheyTravel() {
        var spec = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas.TokenResponse.properties"))
                .containsKeys("access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in")
                .doesNotContainKeys("accessToken", "refreshToken");
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas.TotpEnrolment.properties"))
                .containsKeys("otpauth_uri", "qr_code", "expires_at");
        // request bodies too: what a generated client sends must be what the route reads
        String changePassword = spec.getString(
                "paths.'/users/me/password'.put.requestBody.content.'application/json'.schema.$ref");
        String schema = changePassword.substring(changePassword.lastIndexOf('/') + 1);
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas." + schema + ".properties"))
                .containsKeys("current_password", "new_password");
    }

    @Test
    void everyErrorResponseInOpenApiIsAProblem() {
        var spec = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        org.assertj.core.api.Assertions.assertThat(spec.getMap("components.schemas.Problem.properties"))
                .containsKeys("type", "title", "status", "code", "detail");
        org.assertj.core.api.Assertions.assertThat(spec.getString("info.description")).contains("docs/api.md");
        Map<String, Map<String, Map<String, Object>>> paths = spec.getMap("paths");
        List<String> errorResponses = new java.util.ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
            if (responses == null) {
                return;
            }
            responses.forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    String where = method.toUpperCase(java.util.Locale.ROOT) + " " + path + " " + status;
                    errorResponses.add(where);
                    // RFC 6749's token endpoint, and a client's failed authentication at revocation (RFC 7009 section 2.2.1),
                    // answer RFC 6749's error shape (section 5.2), not a problem
                    boolean oauth = path.equals("/oauth/token") || where.equals("POST /oauth/revoke 401");
                    org.assertj.core.api.Assertions.assertThat(response).as(where).extractingByKey("content")
                            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .extractingByKey(oauth ? "application/json" : "application/problem+json").asString()
                            .contains(oauth ? "#/components/schemas/OAuthError" : "#/components/schemas/Problem");
                }
            });
        }));
        // the routes' own annotations name their errors; the filter only adds the problem body to each
        org.assertj.core.api.Assertions.assertThat(paths).containsKeys("/oauth/token", "/admin/clients",
                "/admin/clients/{client_id}", "/admin/clients/{client_id}/secrets",
                "/admin/clients/{client_id}/secrets/{secret_id}", "/admin/webhooks", "/admin/webhooks/{id}",
                "/admin/webhooks/{id}/secret", "/admin/webhooks/{id}/deliveries", "/admin/users/{id}");
        org.assertj.core.api.Assertions.assertThat(paths.get("/users/me")).containsKeys("get", "delete");
        org.assertj.core.api.Assertions.assertThat(paths.get("/admin/webhooks")).containsKeys("get", "post");
        org.assertj.core.api.Assertions.assertThat(paths.get("/admin/webhooks/{id}")).containsKeys("get", "put", "delete");
        org.assertj.core.api.Assertions.assertThat(errorResponses).hasSizeGreaterThan(30)
                .contains("POST /auth/login 401", "POST /auth/refresh 401", "GET /users/{id} 403", "POST /oauth/introspect 401", "POST /oauth/token 401",
                        "DELETE /users/me 401", "DELETE /users/me 409", "DELETE /admin/users/{id} 409", "POST /admin/webhooks 400",
                        "POST /admin/webhooks 403", "GET /admin/webhooks/{id}/deliveries 404");
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        given().get("/no/such/route").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        given().delete("/auth/login").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void metricsArePrometheus() {
        given().get("/q/metrics").then().statusCode(200);
    }
}
