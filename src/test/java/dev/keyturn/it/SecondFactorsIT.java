package dev.keyturn.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mfa;
import dev.keyturn.support.PasskeyDevice;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Second factors against the packaged application (JVM jar or native executable): TOTP (HMAC-SHA1, AES-GCM at rest,
 * the SVG QR code), recovery codes, step-up, and passkeys, whose WebAuthn data webauthn4j reads with Jackson's CBOR
 * and JSON mappers by reflection: in a native executable, only this run shows that they are registered.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResources.class)
class SecondFactorsIT {

    @Test
    void totpEnrolmentLoginRecoveryCodeAndStepUp() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        assertThat(enrolled.recoveryCodes()).hasSize(10);
        Response challenge = Api.login(enrolled.account().email(), enrolled.account().password());
        challenge.then().statusCode(403).body("code", equalTo("mfa_required"));
        Response tokens = Mfa.withCode(challenge.path("mfa_token"), enrolled.app().nextCode());
        tokens.then().statusCode(200);
        assertThat(Jwts.claims(tokens.path("access_token")).get("amr")).isEqualTo(List.of("pwd", "otp", "mfa"));

        Mfa.secondStep(Mfa.mfaToken(enrolled.account()), Map.of("recovery_code", enrolled.recoveryCodes().get(0)))
                .then().statusCode(200);
        Mfa.stepUp(tokens.path("access_token"), Map.of("code", enrolled.app().nextCode())).then().statusCode(200)
                .body("acr", equalTo("mfa"));
        given().auth().oauth2((String) tokens.path("access_token")).get("/users/me/mfa").then().statusCode(200)
                .body("enabled", equalTo(true)).body("factors", hasSize(1)).body("recovery_codes_remaining", equalTo(9));
    }

    @Test
    void passkeyRegistrationSecondFactorAndPasswordlessLogin() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = Api.newAccount();
        String accessToken = Api.login(account).accessToken();
        Map<String, Object> creation = given().auth().oauth2(accessToken).post("/users/me/mfa/passkeys/options")
                .then().statusCode(200).extract().path("public_key");
        given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("credential", device.create(creation))).post("/users/me/mfa/passkeys")
                .then().statusCode(201).body("factor.type", equalTo("passkey"));

        Response challenge = Api.login(account.email(), account.password());
        challenge.then().statusCode(403).body("mfa_methods", equalTo(List.of("passkey", "recovery_code")));
        Mfa.secondStep(challenge.path("mfa_token"), Map.of("credential", device.get(challenge.path("public_key"))))
                .then().statusCode(200);

        Map<String, Object> request = given().post("/auth/passkey/options").then().statusCode(200)
                .extract().path("public_key");
        Response passwordless = given().contentType(ContentType.JSON).body(Map.of("credential", device.get(request)))
                .post("/auth/passkey/login");
        passwordless.then().statusCode(200);
        assertThat(Jwts.claims(passwordless.path("access_token")).get("acr")).isEqualTo("mfa");

        PasskeyDevice elsewhere = device.atOrigin("https://phishing.example");
        Map<String, Object> again = given().post("/auth/passkey/options").then().statusCode(200)
                .extract().path("public_key");
        given().contentType(ContentType.JSON).body(Map.of("credential", elsewhere.get(again)))
                .post("/auth/passkey/login").then().statusCode(400).body("code", equalTo("invalid_passkey"));
    }
}
