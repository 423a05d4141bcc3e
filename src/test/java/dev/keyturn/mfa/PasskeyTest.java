package dev.keyturn.mfa;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mfa;
import dev.keyturn.support.PasskeyDevice;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Passkeys (WebAuthn) over HTTP with a software authenticator: registration, a passkey as the second factor of a
 * password login, passwordless login, and the ceremonies that must fail: another origin, another relying party, a
 * cloned authenticator's counter, a replayed answer.
 */
@QuarkusTest
class PasskeyTest {

    private static Map<String, Object> registrationOptions(String accessToken) {
        return given().auth().oauth2(accessToken).post("/users/me/mfa/passkeys/options").then().statusCode(200)
                .extract().path("public_key");
    }

    private static Response register(String accessToken, Map<String, Object> credential) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("name", "Laptop", "credential", credential)).post("/users/me/mfa/passkeys");
    }

    /** A new account with a passkey registered on {@code device}. */
    private static Api.Account withPasskey(PasskeyDevice device) {
        Api.Account account = Api.newAccount();
        String accessToken = Api.login(account).accessToken();
        register(accessToken, device.create(registrationOptions(accessToken))).then().statusCode(201)
                .body("factor.type", equalTo("passkey")).body("factor.name", equalTo("Laptop"))
                .body("recovery_codes", hasSize(10));
        return account;
    }

    private static Map<String, Object> passwordlessOptions() {
        return given().post("/auth/passkey/options").then().statusCode(200).extract().path("public_key");
    }

    private static Response passwordless(Map<String, Object> credential) {
        return given().contentType(ContentType.JSON).body(Map.of("credential", credential)).post("/auth/passkey/login");
    }

    @Test
    void registrationOptionsNameTheRelyingPartyAndAskForADiscoverableCredential() {
        Api.Account account = Api.newAccount();
        Map<String, Object> options = registrationOptions(Api.login(account).accessToken());
        assertThat(options.get("rp")).isEqualTo(Map.of("id", "localhost", "name", "Keyturn"));
        assertThat(options.get("attestation")).isEqualTo("none");
        assertThat(options.get("authenticatorSelection").toString()).contains("residentKey=required");
        assertThat((String) options.get("challenge")).matches("[A-Za-z0-9_-]{43}");
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) options.get("user");
        assertThat(user.get("name")).isEqualTo(account.email());
    }

    @Test
    void aPasskeyIsTheSecondFactorOfAPasswordLogin() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = withPasskey(device);
        Response challenge = Api.login(account.email(), account.password());
        challenge.then().statusCode(403).body("code", equalTo("mfa_required"))
                .body("mfa_methods", equalTo(List.of("passkey", "recovery_code")))
                .body("public_key.allowCredentials", hasSize(1))
                .body("public_key.rpId", equalTo("localhost"));
        Map<String, Object> assertion = device.get(challenge.path("public_key"));
        Response tokens = Mfa.secondStep(challenge.path("mfa_token"), Map.of("credential", assertion));
        tokens.then().statusCode(200);
        Map<String, Object> claims = Jwts.claims(tokens.path("access_token"));
        assertThat(claims.get("amr")).isEqualTo(List.of("pwd", "hwk", "mfa"));
        assertThat(claims.get("acr")).isEqualTo("mfa");

        // the same answer again, in a new login, answers another challenge: refused
        String next = Mfa.mfaToken(account);
        Mfa.secondStep(next, Map.of("credential", assertion)).then().statusCode(400)
                .body("code", equalTo("invalid_passkey"));
    }

    @Test
    void aPasskeyAloneLogsInWithoutPassword() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = withPasskey(device);
        Map<String, Object> options = passwordlessOptions();
        assertThat(options.get("allowCredentials")).isEqualTo(List.of());
        assertThat(options.get("userVerification")).isEqualTo("required");
        Map<String, Object> assertion = device.get(options);
        Response tokens = passwordless(assertion);
        tokens.then().statusCode(200);
        Map<String, Object> claims = Jwts.claims(tokens.path("access_token"));
        assertThat(claims.get("sub")).isEqualTo(account.id());
        assertThat(claims.get("amr")).isEqualTo(List.of("hwk", "mfa"));
        Api.me(tokens.path("access_token")).then().statusCode(200).body("email", equalTo(account.email()));

        // a replay of the same answer: its challenge is used up
        passwordless(assertion).then().statusCode(400).body("code", equalTo("invalid_passkey"));
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and amr = array['hwk', 'mfa']",
                account.id())).isEqualTo(1);
    }

    @Test
    void aCeremonyFromAnotherOriginIsRefused() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        withPasskey(device);
        device.atOrigin("https://keyturn.example.evil");
        passwordless(device.get(passwordlessOptions())).then().statusCode(400)
                .body("code", equalTo("invalid_passkey")).body("detail", containsString("BadOrigin"));

        Api.Account account = Api.newAccount();
        String accessToken = Api.login(account).accessToken();
        register(accessToken, PasskeyDevice.atIssuer().atOrigin("http://localhost:9999")
                .create(registrationOptions(accessToken))).then().statusCode(400)
                .body("code", equalTo("invalid_passkey"));
        assertThat(Db.count("select count(*) from mfa_factors where user_id = ?::uuid", account.id())).isZero();
    }

    @Test
    void aCredentialForAnotherRelyingPartyIsRefused() {
        Api.Account account = Api.newAccount();
        String accessToken = Api.login(account).accessToken();
        register(accessToken, PasskeyDevice.atIssuer().forRelyingParty("evil.example")
                .create(registrationOptions(accessToken))).then().statusCode(400)
                .body("code", equalTo("invalid_passkey")).body("detail", containsString("BadRpId"));

        PasskeyDevice device = PasskeyDevice.atIssuer();
        withPasskey(device);
        device.forRelyingParty("evil.example");
        passwordless(device.get(passwordlessOptions())).then().statusCode(400).body("code", equalTo("invalid_passkey"));
    }

    @Test
    void aClonedAuthenticatorsCounterIsRefused() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = withPasskey(device);
        passwordless(device.get(passwordlessOptions())).then().statusCode(200);
        long counter = ((Number) Db.single("select sign_count from mfa_factors where user_id = ?::uuid", account.id()))
                .longValue();
        assertThat(counter).isPositive();
        device.freezeCounter();
        passwordless(device.get(passwordlessOptions())).then().statusCode(400)
                .body("code", equalTo("invalid_passkey")).body("detail", containsString("MaliciousCounterValue"));
        assertThat(((Number) Db.single("select sign_count from mfa_factors where user_id = ?::uuid", account.id()))
                .longValue()).isEqualTo(counter);
        assertThat(Db.count("select count(*) from audit_events where user_id is null and type = 'mfa_verification_failed'"))
                .isPositive();
    }

    @Test
    void anUnknownPasskeyLogsNobodyIn() {
        PasskeyDevice stranger = PasskeyDevice.atIssuer();
        Api.Account account = Api.newAccount();
        String accessToken = Api.login(account).accessToken();
        // a credential made for options of Keyturn, but never registered
        stranger.create(registrationOptions(accessToken));
        passwordless(stranger.get(passwordlessOptions())).then().statusCode(400)
                .body("code", equalTo("invalid_passkey"));
        passwordless(Map.of("id", "x")).then().statusCode(400).body("code", equalTo("invalid_passkey"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/auth/passkey/login").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
    }

    @Test
    void passkeysAreListedAndRemovedWithARecentSecondFactor() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = withPasskey(device);
        Response tokens = passwordless(device.get(passwordlessOptions()));
        String accessToken = tokens.path("access_token");
        String factorId = given().auth().oauth2(accessToken).get("/users/me/mfa").then().statusCode(200)
                .body("enabled", equalTo(true)).body("factors", hasSize(1)).body("factors[0].type", equalTo("passkey"))
                .extract().path("factors[0].id");
        given().auth().oauth2(accessToken).delete("/users/me/mfa/factors/" + factorId).then().statusCode(204);
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", account.id())).isEqualTo(false);
        assertThat(Db.count("select count(*) from mfa_recovery_codes where user_id = ?::uuid", account.id())).isZero();
        // the removed passkey logs in no more, and the password alone does again
        passwordless(device.get(passwordlessOptions())).then().statusCode(400);
        Api.login(account.email(), account.password()).then().statusCode(200);
    }

    @Test
    void aPasskeyStepsUpASession() {
        PasskeyDevice device = PasskeyDevice.atIssuer();
        Api.Account account = withPasskey(device);
        String token = Mfa.mfaToken(account);
        // a recovery code gets a session, then the passkey steps it up
        Response session = Mfa.secondStep(token, Map.of("credential", device.get(
                Api.login(account.email(), account.password()).path("public_key"))));
        session.then().statusCode(400); // answered another login's challenge
        Response login = Api.login(account.email(), account.password());
        Response tokens = Mfa.secondStep(login.path("mfa_token"), Map.of("credential", device.get(login.path("public_key"))));
        tokens.then().statusCode(200);
        Map<String, Object> options = given().auth().oauth2((String) tokens.path("access_token"))
                .post("/auth/step-up/options").then().statusCode(200).extract().path("public_key");
        Response stepped = Mfa.stepUp(tokens.path("access_token"), Map.of("credential", device.get(options)));
        stepped.then().statusCode(200).body("acr", equalTo("mfa"));
        assertThat(Jwts.claims(stepped.path("access_token")).get("amr")).isEqualTo(List.of("pwd", "hwk", "mfa"));
    }
}
