package dev.keyturn.account;

import static dev.keyturn.account.SmallAccountLimitsProfile.PASSWORD_CHANGE_PER_ACCOUNT;
import static dev.keyturn.account.SmallAccountLimitsProfile.VERIFY_PER_ACCOUNT;
import static dev.keyturn.account.SmallAccountLimitsProfile.VERIFY_PER_IP;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Mailbox;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * docs/security.md: guessing a verification code, or the current password behind a stolen access token, meets
 * a rate limit: 429 {@code rate_limited} with {@code Retry-After}, before the check (no bcrypt, no try counted),
 * the same for an unknown account, and lifted when its window ends. Every request plays its own client address
 * (X-Forwarded-For through the trusted 127.0.0.1) unless the test is about the address.
 */
@QuarkusTest
@TestProfile(SmallAccountLimitsProfile.class)
class AccountLimitsTest {

    private static String newAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static Response verify(String address, String email, String code) {
        return given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("email", email, "code", code)).post("/auth/verify-email");
    }

    private static Response change(String accessToken, String current, String next) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("current_password", current, "new_password", next)).put("/users/me/password");
    }

    private static void assertRateLimited(Response response) {
        response.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 15 * 60L);
    }

    /** A verified account; its verification came from an address of its own, so it spends no test's budget. */
    private static Api.Account newAccount() {
        Api.Account account = Api.newUnverifiedAccount();
        String code = Mailbox.verificationCode(GreenMailResource.server(), account.email());
        verify(newAddress(), account.email(), code).then().statusCode(200);
        return account;
    }

    private static void endWindows(String action) {
        Db.update("update rate_limits set window_start = now() - interval '1 day' where action = ?", action);
    }

    @Test
    void guessingTheCurrentPasswordIsLimitedPerAccountBeforeBcrypt() {
        Api.Account account = newAccount();
        String token = Api.login(account).accessToken();
        Object hashBefore = Db.single("select password_hash from users where id = ?::uuid", account.id());
        List<Integer> statuses = Parallel.times(PASSWORD_CHANGE_PER_ACCOUNT + 7,
                () -> change(token, "a wrong guess of the password", "attacker chosen passphrase 1").statusCode());
        assertThat(statuses.stream().filter(s -> s == 401).count()).isEqualTo(PASSWORD_CHANGE_PER_ACCOUNT);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(7);
        // past the limit even the right password is refused: the block comes before the check
        assertRateLimited(change(token, account.password(), "the owner's new passphrase 9"));
        assertThat(Db.single("select password_hash from users where id = ?::uuid", account.id())).isEqualTo(hashBefore);

        endWindows("password-change-account");
        change(token, account.password(), "the owner's new passphrase 9").then().statusCode(204);
    }

    /** DELETE /users/me guesses the same password: its tries count in the same counter, before bcrypt. */
    @Test
    void guessingThePasswordToDeleteTheAccountSharesThePasswordChangeLimit() {
        Api.Account account = newAccount();
        String token = Api.login(account).accessToken();
        for (int i = 0; i < PASSWORD_CHANGE_PER_ACCOUNT - 1; i++) {
            delete(token, "a wrong guess " + i).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        }
        change(token, "another wrong guess", "attacker chosen passphrase 2").then().statusCode(401);
        assertRateLimited(delete(token, "yet another guess"));
        assertRateLimited(change(token, "yet another guess", "attacker chosen passphrase 3"));
        // past the limit even the right password is refused, and nothing is deleted
        assertRateLimited(delete(token, account.password()));
        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isEqualTo(1);

        endWindows("password-change-account");
        delete(token, account.password()).then().statusCode(204);
        assertThat(Db.count("select count(*) from users where id = ?::uuid", account.id())).isZero();
    }

    private static Response delete(String accessToken, String password) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(Map.of("password", password))
                .delete("/users/me");
    }

    @Test
    void guessingACodeIsLimitedPerAddressTheSameWhetherOrNotTheAccountExists() {
        Api.Account account = Api.newUnverifiedAccount();
        String code = Mailbox.verificationCode(GreenMailResource.server(), account.email());
        String unknown = Api.uniqueName("nobody") + "@nowhere.example.com";
        for (int i = 0; i < VERIFY_PER_ACCOUNT; i++) {
            verify(newAddress(), account.email(), "99999" + i).then().statusCode(400).body("code", equalTo("invalid_code"));
            verify(newAddress(), unknown, "99999" + i).then().statusCode(400).body("code", equalTo("invalid_code"));
        }
        Response known = verify(newAddress(), account.email(), code);
        Response none = verify(newAddress(), unknown, code);
        assertRateLimited(known);
        assertRateLimited(none);
        assertThat(known.body().asString()).isEqualTo(none.body().asString());
        assertThat(Db.single("select email_verified from users where id = ?::uuid", account.id())).isEqualTo(false);
        assertThat(Db.count("select attempts from verification_codes where user_id = ?::uuid", account.id()))
                .as("refused tries are not counted on the code").isEqualTo(VERIFY_PER_ACCOUNT);

        endWindows("verify-account");
        verify(newAddress(), account.email(), code).then().statusCode(200);
    }

    @Test
    void guessingCodesOfManyAccountsFromOneAddressIsLimited() {
        String attacker = newAddress();
        for (int i = 0; i < VERIFY_PER_IP; i++) {
            verify(attacker, Api.uniqueName("target") + "@nowhere.example.com", "123456").then().statusCode(400);
        }
        assertRateLimited(verify(attacker, Api.uniqueName("target") + "@nowhere.example.com", "123456"));
    }
}
