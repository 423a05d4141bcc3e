package dev.keyturn.it;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.logout;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The main journey against the packaged application in the {@code prod} profile (JVM jar, AOT-trained
 * jar or native executable alike): sign up, log in, read oneself, rotate, log out. It is also the
 * workload that trains the JDK AOT cache ({@code -Paot}).
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResources.class)
class AuthFlowIT {

    @Test
    void signupLoginMeRefreshLogout() {
        Api.Account account = newAccount();
        Api.Tokens first = login(account);
        assertThat(Jwts.header(first.accessToken())).containsEntry("typ", "JWT").containsKey("kid");

        me(first.accessToken()).then().statusCode(200)
                .body("id", equalTo(account.id()))
                .body("email", equalTo(account.email()));

        Api.Tokens second = Api.Tokens.of(refresh(first.refreshToken()).then().statusCode(200).extract().response());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        me(second.accessToken()).then().statusCode(200);

        logout(Map.of("refresh_token", second.refreshToken())).then().statusCode(204);
        refresh(second.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        me(second.accessToken()).then().statusCode(401);
    }

    @Test
    void wrongPasswordIsAProblem() {
        Api.Account account = newAccount();
        login(account.email(), "not the password at all").then().statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_credentials"));
    }

    @Test
    void jwksListsTheConfiguredKey() {
        String kid = (String) Jwts.header(login(newAccount()).accessToken()).get("kid");
        get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys.find { it.kid == '" + kid + "' }.alg", equalTo("RS256"));
    }
}
