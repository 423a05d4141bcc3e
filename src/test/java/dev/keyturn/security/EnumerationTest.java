package dev.keyturn.security;

import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.LoginTimes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Attack family: user enumeration. Nothing a stranger can call tells whether an account exists: not the
 * status, not the body, not (measurably) the time, and nothing is stored for an address without an account.
 */
@QuarkusTest
class EnumerationTest {

    private static long sessions() {
        return Db.count("select count(*) from sessions");
    }

    @Test
    void unknownEmailAndWrongPasswordAnswerIdentically() {
        Api.Account account = newAccount();
        long sessions = sessions();
        Response wrongPassword = Api.login(account.email(), "not the right password");
        Response unknownEmail = Api.login(Api.uniqueName("ghost") + "@example.com", "not the right password");
        wrongPassword.then().statusCode(401).contentType("application/problem+json");
        unknownEmail.then().statusCode(401).contentType("application/problem+json");
        assertThat(wrongPassword.body().asString()).isEqualTo(unknownEmail.body().asString()).contains("invalid_credentials");
        assertThat(sessions()).isEqualTo(sessions);
    }

    /**
     * Median times of 30 wrong-password and 30 unknown-email logins, interleaved so that drift on a busy
     * machine hits both alike, after a warm-up. Both paths run one bcrypt check (an unknown email is checked
     * against a decoy hash of the same cost): a path that skipped it, or did visibly more database work,
     * would show. The bound is generous so that a noisy 2-core machine does not fail it: within half of the
     * larger median, or within 20 ms. (With the test profile's bcrypt cost 4 a check is about a millisecond,
     * so this guards against gross differences; at production cost a skipped check would be ~100 ms.)
     */
    @Test
    void unknownEmailTakesAsLongAsAWrongPassword() {
        LoginTimes.Medians medians = LoginTimes.of(newAccount().email(), Api.uniqueName("ghost") + "@example.com", 30);
        assertThat(medians.difference() < 20 || medians.difference() < 0.5 * medians.larger()).as(medians.toString()).isTrue();
    }

    @Test
    void passwordForgotAnswersAlikeAndStoresNothingForAnUnknownAddress() {
        Api.Account account = newAccount();
        long resets = Db.count("select count(*) from password_resets");
        Response unknown = given().contentType(ContentType.JSON).body(Map.of("email", Api.uniqueName("ghost") + "@example.com"))
                .post("/auth/password/forgot");
        assertThat(Db.count("select count(*) from password_resets")).isEqualTo(resets);
        Response known = given().contentType(ContentType.JSON).body(Map.of("email", account.email()))
                .post("/auth/password/forgot");
        unknown.then().statusCode(202);
        known.then().statusCode(202);
        assertThat(unknown.body().asString()).isEqualTo(known.body().asString()).isEqualTo("{}");
    }

    @Test
    void verificationResendAnswersAlikeAndStoresNothingForAnUnknownAddress() {
        Api.Account account = Api.newUnverifiedAccount();
        long codes = Db.count("select count(*) from verification_codes");
        Response unknown = given().contentType(ContentType.JSON).body(Map.of("email", Api.uniqueName("ghost") + "@example.com"))
                .post("/auth/resend-verification");
        assertThat(Db.count("select count(*) from verification_codes")).isEqualTo(codes);
        Response known = given().contentType(ContentType.JSON).body(Map.of("email", account.email()))
                .post("/auth/resend-verification");
        unknown.then().statusCode(202);
        known.then().statusCode(202);
        assertThat(unknown.body().asString()).isEqualTo(known.body().asString()).isEqualTo("{}");
    }

    @Test
    void aDisabledOrUnverifiedAccountIsNotToldApartWithoutThePassword() {
        Api.Account unverified = Api.newUnverifiedAccount();
        Api.Account disabled = newAccount();
        Db.update("update users set disabled = true where id = ?::uuid", disabled.id());
        long sessions = sessions();
        String ghost = Api.login(Api.uniqueName("ghost") + "@example.com", "a wrong password").body().asString();
        for (Api.Account account : List.of(unverified, disabled)) {
            Response response = Api.login(account.email(), "a wrong password");
            response.then().statusCode(401);
            assertThat(response.body().asString()).isEqualTo(ghost);
        }
        assertThat(sessions()).isEqualTo(sessions);
    }
}
