package dev.keyturn.mfa;

import static dev.keyturn.support.Api.adminToken;
import static dev.keyturn.support.OAuthClients.confidential;
import static dev.keyturn.support.OAuthClients.password;
import static dev.keyturn.support.OAuthClients.publicClient;
import static dev.keyturn.support.OAuthClients.tokenPost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mfa;
import dev.keyturn.support.OAuthClients.Client;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The token endpoint's password grant for an account with a second factor: 403 mfa_required with the mfa_token (RFC
 * 6749 error shape, plus the token), then the MFA extension grant with a TOTP code or a recovery code; the token is
 * bound to the client that asked, and the scope granted in the first step is the one the tokens carry.
 */
@QuarkusTest
class TokenEndpointMfaTest {

    private static final String MFA_GRANT = "urn:keyturn:params:oauth:grant-type:mfa";

    @Test
    void thePasswordGrantAsksForTheSecondFactorAndTheMfaGrantCompletesIt() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Client portal = publicClient(adminToken(), List.of("password", "refresh_token"), List.of("orders.read", "orders.write"));
        Response first = tokenPost(portal, Map.of("grant_type", "password", "username", enrolled.account().email(),
                "password", enrolled.account().password(), "scope", "orders.read"));
        first.then().statusCode(403).contentType("application/json").header("Cache-Control", "no-store")
                .body("error", equalTo("mfa_required"))
                .body("mfa_methods", equalTo(List.of("totp", "recovery_code")));
        String mfaToken = first.path("mfa_token");

        Response tokens = tokenPost(portal, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken,
                "otp", enrolled.app().nextCode()));
        tokens.then().statusCode(200).body("scope", equalTo("orders.read"));
        Map<String, Object> claims = Jwts.claims(tokens.path("access_token"));
        assertThat(claims.get("acr")).isEqualTo("mfa");
        assertThat(claims.get("client_id")).isEqualTo(portal.clientId());
        assertThat(claims.get("scope")).isEqualTo("orders.read");
        // the session is the client's: its refresh grant works, and keeps the level
        Response refreshed = tokenPost(portal, Map.of("grant_type", "refresh_token", "refresh_token", tokens.path("refresh_token")));
        refreshed.then().statusCode(200);
        assertThat(Jwts.claims(refreshed.path("access_token")).get("amr")).isEqualTo(List.of("pwd", "otp", "mfa"));
    }

    @Test
    void anMfaTokenWorksOnlyForTheClientItWasIssuedTo() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String admin = adminToken();
        Client portal = publicClient(admin, List.of("password"), List.of());
        Client other = confidential(admin, List.of("password"), List.of());
        String mfaToken = password(portal, enrolled.account()).then().statusCode(403).extract().path("mfa_token");
        tokenPost(other, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken, "otp", enrolled.app().nextCode()))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        // nor at the JSON route, which is no client's
        Mfa.withCode(mfaToken, enrolled.app().nextCode()).then().statusCode(401);
        // and a JSON login's token is no client's either
        String jsonToken = Mfa.mfaToken(enrolled.account());
        tokenPost(portal, Map.of("grant_type", MFA_GRANT, "mfa_token", jsonToken, "recovery_code",
                enrolled.recoveryCodes().get(0))).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void theMfaGrantNeedsAPasswordClientAndExactlyOneFactor() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String admin = adminToken();
        Client portal = publicClient(admin, List.of("password"), List.of());
        Client service = confidential(admin, List.of("client_credentials"), List.of());
        String mfaToken = password(portal, enrolled.account()).then().statusCode(403).extract().path("mfa_token");
        tokenPost(service, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken, "otp", "123456"))
                .then().statusCode(400).body("error", equalTo("unauthorized_client"));
        tokenPost(portal, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken)).then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        tokenPost(portal, Map.of("grant_type", MFA_GRANT, "otp", "123456")).then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        tokenPost(portal, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken, "otp", "000000")).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        tokenPost(portal, Map.of("grant_type", MFA_GRANT, "mfa_token", mfaToken, "recovery_code",
                enrolled.recoveryCodes().get(1))).then().statusCode(200);
    }
}
