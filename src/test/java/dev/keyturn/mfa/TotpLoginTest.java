package dev.keyturn.mfa;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.containsString;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.Mfa;
import dev.keyturn.support.TotpApp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * TOTP (RFC 6238) from enrolment to login, driven over HTTP with codes computed in the test from the secret the
 * service showed: the enrolment answer, the confirmation and its recovery codes, the mfa_required step, the second
 * step, and the tokens' amr/acr/auth_time.
 */
@QuarkusTest
class TotpLoginTest {

    @Test
    void enrolmentShowsTheSecretOnceAsBase32AnOtpauthUriAndAQrCode() {
        Api.Account account = Api.newAccount();
        Api.Tokens session = Api.login(account);
        Response enrolment = Mfa.enrolTotp(session.accessToken()).then().statusCode(201)
                .header("Location", containsString("/users/me/mfa/factors/"))
                .body("type", equalTo("totp"))
                .extract().response();
        String secret = enrolment.path("secret");
        assertThat(secret).matches("[A-Z2-7]{32}");
        String uri = enrolment.path("otpauth_uri");
        assertThat(uri).startsWith("otpauth://totp/Keyturn:").contains("secret=" + secret)
                .contains("issuer=Keyturn").contains("algorithm=SHA1").contains("digits=6").contains("period=30");
        assertThat(URLDecoder.decode(uri, StandardCharsets.UTF_8)).contains(account.email());
        String qr = enrolment.path("qr_code");
        assertThat(qr).startsWith("data:image/svg+xml;base64,");
        assertThat(new String(Base64.getDecoder().decode(qr.substring(qr.indexOf(',') + 1)), StandardCharsets.UTF_8))
                .startsWith("<svg").contains("<path");

        // the secret is stored encrypted only, and the factor does not count before its first code
        String factorId = enrolment.path("id");
        byte[] stored = (byte[]) Db.single("select secret_ciphertext from mfa_factors where id = ?::uuid", factorId);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", account.id())).isEqualTo(false);
        Api.login(account.email(), account.password()).then().statusCode(200);
        given().auth().oauth2(session.accessToken()).get("/users/me/mfa").then().statusCode(200)
                .body("enabled", equalTo(false)).body("factors", hasSize(1))
                .body("factors[0].confirmed", equalTo(false));
    }

    @Test
    void aWrongFirstCodeConfirmsNothing() {
        Api.Account account = Api.newAccount();
        Api.Tokens session = Api.login(account);
        Response enrolment = Mfa.enrolTotp(session.accessToken()).then().statusCode(201).extract().response();
        TotpApp app = new TotpApp(enrolment.path("secret"));
        String wrong = app.codeAt(TotpApp.currentStep() - 10); // a real code, but of five minutes ago
        Mfa.confirm(session.accessToken(), enrolment.path("id"), wrong).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        Mfa.confirm(session.accessToken(), enrolment.path("id"), "12345").then().statusCode(400);
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", account.id())).isEqualTo(false);
        assertThat(Db.count("select count(*) from mfa_factors where user_id = ?::uuid and confirmed_at is not null",
                account.id())).isZero();
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid "
                + "and type = 'mfa_verification_failed'", account.id())).isEqualTo(2);
    }

    @Test
    void theFirstFactorComesWithTenSingleUseRecoveryCodesAndLoginThenAsksForIt() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        assertThat(enrolled.recoveryCodes()).hasSize(10).doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z2-9]{5}-[a-z2-9]{5}"));
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", enrolled.account().id())).isEqualTo(true);

        Response challenge = Api.login(enrolled.account().email(), enrolled.account().password());
        challenge.then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("mfa_required"))
                .body("mfa_methods", equalTo(List.of("totp", "recovery_code")))
                .body("mfa_expires_in", equalTo(300));
        assertThat(challenge.<String> path("access_token")).isNull();
        assertThat(challenge.<String> path("mfa_token")).hasSizeGreaterThan(40);

        Response tokens = Mfa.withCode(challenge.path("mfa_token"), enrolled.app().nextCode());
        tokens.then().statusCode(200);
        Map<String, Object> claims = Jwts.claims(tokens.path("access_token"));
        assertThat(claims.get("amr")).isEqualTo(List.of("pwd", "otp", "mfa"));
        assertThat(claims.get("acr")).isEqualTo("mfa");
        assertThat(((Number) claims.get("auth_time")).longValue())
                .isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 5);
        Api.me(tokens.path("access_token")).then().statusCode(200);

        // a refresh keeps the session's level
        Response refreshed = Api.refresh(tokens.path("refresh_token")).then().statusCode(200).extract().response();
        Map<String, Object> after = Jwts.claims(refreshed.path("access_token"));
        assertThat(after.get("acr")).isEqualTo("mfa");
        assertThat(after.get("amr")).isEqualTo(List.of("pwd", "otp", "mfa"));
        assertThat(after.get("auth_time")).isEqualTo(claims.get("auth_time"));
    }

    @Test
    void aPasswordLoginSaysSoInItsTokens() {
        Api.Account account = Api.newAccount();
        Map<String, Object> claims = Jwts.claims(Api.login(account).accessToken());
        assertThat(claims.get("amr")).isEqualTo(List.of("pwd"));
        assertThat(claims.get("acr")).isEqualTo("pwd");
        assertThat(claims).containsKey("auth_time");
    }

    @Test
    void aCodeIsGoodOnce() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String code = enrolled.app().nextCode();
        Mfa.withCode(Mfa.mfaToken(enrolled.account()), code).then().statusCode(200);
        // the same code again, in a new login: refused, although it is still within its 90 seconds
        Mfa.withCode(Mfa.mfaToken(enrolled.account()), code).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        // and the code of the step before the one used, too
        Mfa.withCode(Mfa.mfaToken(enrolled.account()), enrolled.app().codeAt(TotpApp.currentStep() - 1))
                .then().statusCode(400);
    }

    @Test
    void aRecoveryCodeIsGoodOnce() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String recovery = enrolled.recoveryCodes().get(3);
        Response tokens = Mfa.secondStep(Mfa.mfaToken(enrolled.account()),
                Map.of("recovery_code", recovery.toUpperCase().replace("-", " ")));
        tokens.then().statusCode(200);
        assertThat(Jwts.claims(tokens.path("access_token")).get("acr")).isEqualTo("mfa");
        Mfa.secondStep(Mfa.mfaToken(enrolled.account()), Map.of("recovery_code", recovery)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        given().auth().oauth2(tokens.path("access_token")).get("/users/me/mfa").then().statusCode(200)
                .body("recovery_codes_remaining", equalTo(9));
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'mfa_recovery_code_used'",
                enrolled.account().id())).isEqualTo(1);
    }

    @Test
    void anMfaTokenBurnsAfterFiveWrongTriesAndWorksOnce() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String token = Mfa.mfaToken(enrolled.account());
        for (int i = 0; i < 5; i++) {
            Mfa.withCode(token, "000000").then().statusCode(400).body("code", equalTo("invalid_code"));
        }
        // the sixth try, with the right code, finds the token burnt
        Mfa.withCode(token, enrolled.app().nextCode()).then().statusCode(401).body("code", equalTo("invalid_mfa_token"));

        String fresh = Mfa.mfaToken(enrolled.account());
        Mfa.withCode(fresh, enrolled.app().nextCode()).then().statusCode(200);
        Mfa.withCode(fresh, enrolled.app().nextCode()).then().statusCode(401).body("code", equalTo("invalid_mfa_token"));
    }

    @Test
    void anExpiredOrMadeUpMfaTokenIsRefused() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String token = Mfa.mfaToken(enrolled.account());
        Db.update("update mfa_challenges set expires_at = now() - interval '1 second' where user_id = ?::uuid "
                + "and purpose = 'login'", enrolled.account().id());
        Mfa.withCode(token, enrolled.app().nextCode()).then().statusCode(401).body("code", equalTo("invalid_mfa_token"));
        Mfa.withCode("made-up-token-0123456789012345678901234567890123", "123456").then().statusCode(401)
                .body("code", equalTo("invalid_mfa_token"));
    }

    @Test
    void theSecondStepTakesExactlyOneFactor() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String token = Mfa.mfaToken(enrolled.account());
        Mfa.secondStep(token, Map.of()).then().statusCode(400).body("code", equalTo("validation_failed"));
        Mfa.secondStep(token, Map.of("code", "123456", "recovery_code", "abcde-fghjk")).then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("mfa_token", token, "code", "1", "extra", 1))
                .post("/auth/login/mfa").then().statusCode(400);
        Mfa.withCode(token, enrolled.app().nextCode()).then().statusCode(200);
    }

    @Test
    void enrollingEndsTheOtherSessionsAndTheEnrollingOneBecomesMultiFactor() {
        Api.Account account = Api.newAccount();
        Api.Tokens other = Api.login(account);
        Api.Tokens session = Api.login(account);
        Response enrolment = Mfa.enrolTotp(session.accessToken()).then().statusCode(201).extract().response();
        TotpApp app = new TotpApp(enrolment.path("secret"));
        Mfa.confirm(session.accessToken(), enrolment.path("id"), app.nextCode()).then().statusCode(200)
                .body("factor.confirmed", equalTo(true)).body("recovery_codes", hasSize(10));

        Api.me(other.accessToken()).then().statusCode(401);
        Api.refresh(other.refreshToken()).then().statusCode(401);
        Response refreshed = Api.refresh(session.refreshToken()).then().statusCode(200).extract().response();
        assertThat(Jwts.claims(refreshed.path("access_token")).get("amr")).isEqualTo(List.of("pwd", "otp", "mfa"));

        // a second factor later needs a recent second factor, and brings no new recovery codes
        Response second = Mfa.enrolTotp(refreshed.path("access_token")).then().statusCode(201).extract().response();
        Mfa.confirm(refreshed.path("access_token"), second.path("id"), new TotpApp(second.path("secret")).nextCode())
                .then().statusCode(200).body("recovery_codes", equalTo(null));
    }
}
