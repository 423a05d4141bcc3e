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
import dev.keyturn.support.TotpApp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * RFC 9470 step-up: the sensitive routes of an account with a second factor (password change, removing a factor, new
 * recovery codes) answer 401 insufficient_user_authentication with the challenge of RFC 9470 until the session has
 * proved a second factor recently; POST /auth/step-up proves it again.
 */
@QuarkusTest
class StepUpTest {

    private static Response changePassword(String accessToken, String current, String next) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("current_password", current, "new_password", next)).put("/users/me/password");
    }

    /**
     * Makes the session's second factor (or login) older than the step-up window, as time would, and refreshes.
     *
     * @return the refreshed tokens
     */
    private static Api.Tokens agedTokens(Api.Tokens session) {
        Db.update("update sessions set auth_time = now() - interval '1 hour' where id = ?::uuid",
                (String) Jwts.claims(session.accessToken()).get("sid"));
        return Api.Tokens.of(Api.refresh(session.refreshToken()).then().statusCode(200).extract().response());
    }

    private static String aged(Api.Tokens session) {
        return agedTokens(session).accessToken();
    }

    @Test
    void aStaleSecondFactorCannotChangeThePasswordUntilTheSessionStepsUp() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Api.Tokens session = agedTokens(Mfa.login(enrolled));
        String stale = session.accessToken();
        changePassword(stale, enrolled.account().password(), "a brand new passphrase 77").then().statusCode(401)
                .body("code", equalTo("insufficient_user_authentication"))
                .header("WWW-Authenticate", containsString("error=\"insufficient_user_authentication\""))
                .header("WWW-Authenticate", containsString("acr_values=\"mfa\""))
                .header("WWW-Authenticate", containsString("max_age=900"));
        // nothing changed: the old password still logs in (to the second step)
        Api.login(enrolled.account().email(), enrolled.account().password()).then().statusCode(403);

        Response stepped = Mfa.stepUp(stale, Map.of("code", enrolled.app().nextCode()));
        stepped.then().statusCode(200).body("acr", equalTo("mfa")).body("token_type", equalTo("Bearer"))
                .body("amr", equalTo(List.of("pwd", "otp", "mfa")));
        String fresh = stepped.path("access_token");
        assertThat(((Number) Jwts.claims(fresh).get("auth_time")).longValue())
                .isGreaterThan(System.currentTimeMillis() / 1000 - 60);
        changePassword(fresh, enrolled.account().password(), "a brand new passphrase 77").then().statusCode(204);
        // the session's refreshes keep the fresh level
        assertThat(Jwts.claims(Api.refresh(session.refreshToken()).then().statusCode(200).extract()
                .<String> path("access_token")).get("auth_time")).isEqualTo(Jwts.claims(fresh).get("auth_time"));
    }

    @Test
    void anAccountWithoutSecondFactorChangesItsPasswordAsBefore() {
        Api.Account account = Api.newAccount();
        Api.Tokens session = Api.login(account);
        changePassword(aged(session), account.password(), "a brand new passphrase 78").then().statusCode(204);
    }

    @Test
    void aStepUpNeedsARightFactorAndCountsWrongOnes() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Api.Tokens session = Mfa.login(enrolled);
        Mfa.stepUp(session.accessToken(), Map.of("code", enrolled.app().codeAt(TotpApp.currentStep() + 5)))
                .then().statusCode(400).body("code", equalTo("invalid_code"));
        Mfa.stepUp(session.accessToken(), Map.of()).then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("code", "123456")).post("/auth/step-up").then().statusCode(401);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'mfa_verification_failed' "
                + "and detail->>'purpose' = 'step_up'", enrolled.account().id())).isEqualTo(1);
        // a recovery code steps up too
        Mfa.stepUp(session.accessToken(), Map.of("recovery_code", enrolled.recoveryCodes().get(0))).then().statusCode(200);
    }

    @Test
    void anAccountWithoutSecondFactorHasNothingToStepUpWith() {
        Api.Tokens session = Api.login(Api.newAccount());
        Mfa.stepUp(session.accessToken(), Map.of("code", "123456")).then().statusCode(400)
                .body("code", equalTo("no_second_factor"));
        given().auth().oauth2(session.accessToken()).post("/auth/step-up/options").then().statusCode(400)
                .body("code", equalTo("no_second_factor"));
    }

    @Test
    void removingAFactorNeedsARecentSecondFactor() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Api.Tokens session = Mfa.login(enrolled);
        String stale = aged(session);
        given().auth().oauth2(stale).delete("/users/me/mfa/factors/" + enrolled.factorId()).then().statusCode(401)
                .body("code", equalTo("insufficient_user_authentication"));
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", enrolled.account().id())).isEqualTo(true);
        given().auth().oauth2(stale).post("/users/me/mfa/recovery-codes").then().statusCode(401);

        String fresh = Mfa.stepUp(stale, Map.of("code", enrolled.app().nextCode())).then().statusCode(200)
                .extract().path("access_token");
        List<String> codes = given().auth().oauth2(fresh).post("/users/me/mfa/recovery-codes").then().statusCode(200)
                .body("recovery_codes", hasSize(10)).extract().path("recovery_codes");
        assertThat(codes).doesNotContainAnyElementsOf(enrolled.recoveryCodes());
        // the old codes are gone
        Mfa.secondStep(Mfa.mfaToken(enrolled.account()), Map.of("recovery_code", enrolled.recoveryCodes().get(0)))
                .then().statusCode(400);

        given().auth().oauth2(fresh).delete("/users/me/mfa/factors/" + enrolled.factorId()).then().statusCode(204);
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", enrolled.account().id())).isEqualTo(false);
        Api.login(enrolled.account().email(), enrolled.account().password()).then().statusCode(200);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'mfa_factor_removed'",
                enrolled.account().id())).isEqualTo(1);
    }

    @Test
    void anotherUsersFactorIsNotFound() {
        Mfa.Enrolled owner = Mfa.accountWithTotp();
        Mfa.Enrolled other = Mfa.accountWithTotp();
        Api.Tokens session = Mfa.login(other);
        given().auth().oauth2(session.accessToken()).delete("/users/me/mfa/factors/" + owner.factorId())
                .then().statusCode(404);
        Mfa.confirm(session.accessToken(), owner.factorId(), owner.app().nextCode()).then().statusCode(404);
        given().auth().oauth2(session.accessToken()).delete("/users/me/mfa/factors/not-a-uuid").then().statusCode(404);
        assertThat(Db.count("select count(*) from mfa_factors where id = ?::uuid", owner.factorId())).isEqualTo(1);
    }

    @Test
    void enrollingAFirstFactorNeedsARecentLogin() {
        Api.Account account = Api.newAccount();
        String stale = aged(Api.login(account));
        Mfa.enrolTotp(stale).then().statusCode(401).body("code", equalTo("insufficient_user_authentication"))
                .header("WWW-Authenticate", containsString("max_age=900"));
        given().auth().oauth2(stale).post("/users/me/mfa/passkeys/options").then().statusCode(401);
        assertThat(Db.count("select count(*) from mfa_factors where user_id = ?::uuid", account.id())).isZero();
    }

    @Test
    void anAccountWithASecondFactorIsDeletedWithARecentOneNotWithThePasswordAlone() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String stale = aged(Mfa.login(enrolled));
        given().auth().oauth2(stale).contentType(ContentType.JSON)
                .body(Map.of("password", enrolled.account().password())).delete("/users/me").then().statusCode(401)
                .body("code", equalTo("insufficient_user_authentication"));
        assertThat(Db.count("select count(*) from users where id = ?::uuid", enrolled.account().id())).isEqualTo(1);

        String fresh = Mfa.stepUp(stale, Map.of("code", enrolled.app().nextCode())).then().statusCode(200)
                .extract().path("access_token");
        given().auth().oauth2(fresh).contentType(ContentType.JSON).body(Map.of("password", "not the password at all"))
                .delete("/users/me").then().statusCode(401).body("code", equalTo("invalid_credentials"));
        given().auth().oauth2(fresh).contentType(ContentType.JSON).body(Map.of()).delete("/users/me").then()
                .statusCode(204);
        assertThat(Db.count("select count(*) from users where id = ?::uuid", enrolled.account().id())).isZero();
        assertThat(Db.count("select count(*) from mfa_factors where user_id = ?::uuid", enrolled.account().id())).isZero();
        assertThat(Db.count("select count(*) from mfa_recovery_codes where user_id = ?::uuid", enrolled.account().id()))
                .isZero();
    }

    @Test
    void anAccountWithoutSecondFactorStillNeedsItsPasswordToBeDeleted() {
        Api.Account account = Api.newAccount();
        String token = Api.login(account).accessToken();
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of()).delete("/users/me").then()
                .statusCode(400).body("code", equalTo("validation_failed"));
        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isEqualTo(1);
    }
}
