package dev.keyturn.account;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Mailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** docs/api.md password forgot/reset and PUT /users/me/password, with the mails read from a real SMTP server. */
@QuarkusTest
class PasswordTest {

    private static final String NEW_PASSWORD = "a brand new passphrase 42";

    private static ValidatableResponse forgot(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/auth/password/forgot").then();
    }

    private static ValidatableResponse reset(String token, String newPassword) {
        return given().contentType(ContentType.JSON).body(Map.of("token", token, "new_password", newPassword))
                .post("/auth/password/reset").then();
    }

    private static ValidatableResponse change(String accessToken, String current, String newPassword) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("current_password", current, "new_password", newPassword))
                .put("/users/me/password").then();
    }

    private static String resetToken(Api.Account account) {
        return Mailbox.resetToken(GreenMailResource.server(), account.email());
    }

    @Test
    void aResetTokenSetsTheNewPasswordAndRevokesEverySession() {
        Api.Account account = newAccount();
        Api.Tokens phone = login(account);
        Api.Tokens laptop = login(account);
        forgot(account.email()).statusCode(202).body(equalTo("{}"));
        String token = resetToken(account);
        assertThat(Mailbox.text(Mailbox.latest(GreenMailResource.server(), account.email(), "Reset your")))
                .contains("30 minutes");

        reset(token, NEW_PASSWORD).statusCode(204);

        for (Api.Tokens tokens : new Api.Tokens[] { phone, laptop }) {
            refresh(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
            me(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        }
        Api.login(account.email(), account.password()).then().statusCode(401);
        Api.login(account.email(), NEW_PASSWORD).then().statusCode(200);
        assertThat(Db.count("select count(*) from audit_events where type = 'password_reset' and user_id = ?::uuid",
                account.id())).isEqualTo(1);
    }

    @Test
    void aResetTokenWorksOnce() {
        Api.Account account = newAccount();
        forgot(account.email()).statusCode(202);
        String token = resetToken(account);
        reset(token, NEW_PASSWORD).statusCode(204);
        reset(token, "yet another passphrase 7").statusCode(400).body("code", equalTo("invalid_reset_token"));
        Api.login(account.email(), NEW_PASSWORD).then().statusCode(200);
    }

    @Test
    void anExpiredOrUnknownResetTokenIsRefused() {
        Api.Account account = newAccount();
        forgot(account.email()).statusCode(202);
        String token = resetToken(account);
        Db.update("update password_resets set expires_at = now() - interval '1 second' where user_id = ?::uuid", account.id());
        reset(token, NEW_PASSWORD).statusCode(400).body("code", equalTo("invalid_reset_token"));
        reset("made-up-token-made-up-token-made-up-token-made-up", NEW_PASSWORD).statusCode(400)
                .body("code", equalTo("invalid_reset_token"));
        Api.login(account.email(), account.password()).then().statusCode(200);
    }

    @Test
    void aWeakNewPasswordLeavesTheTokenUsable() {
        Api.Account account = newAccount();
        forgot(account.email()).statusCode(202);
        String token = resetToken(account);
        reset(token, "short").statusCode(400).body("code", equalTo("weak_password"));
        reset(token, NEW_PASSWORD).statusCode(204);
    }

    @Test
    void theResetTokenIsStoredOnlyAsAKeyedHash() {
        Api.Account account = newAccount();
        forgot(account.email()).statusCode(202);
        String token = resetToken(account);
        assertThat(Db.count("select count(*) from password_resets where user_id = ?::uuid and "
                + "(encode(token_hash, 'escape') like ? or token_hash = sha256(convert_to(?, 'UTF8')))",
                account.id(), "%" + token + "%", token)).isZero();
    }

    @Test
    void forgotAnswersTheSameForAnUnknownEmailAndMailsNothing() {
        String unknown = Api.uniqueName("nobody") + "@nowhere.example.com";
        String known = newAccount().email();
        String forUnknown = forgot(unknown).statusCode(202).extract().body().asString();
        String forKnown = forgot(known).statusCode(202).extract().body().asString();
        assertThat(forUnknown).isEqualTo(forKnown).isEqualTo("{}");
        Mailbox.latest(GreenMailResource.server(), known, "Reset your");
        assertThat(Mailbox.count(GreenMailResource.server(), unknown, "")).isZero();
    }

    @Test
    void changingThePasswordKeepsThisSessionAndEndsTheOthers() {
        Api.Account account = newAccount();
        Api.Tokens current = login(account);
        Api.Tokens other = login(account);
        change(current.accessToken(), account.password(), NEW_PASSWORD).statusCode(204);
        me(current.accessToken()).then().statusCode(200);
        refresh(current.refreshToken()).then().statusCode(200);
        me(other.accessToken()).then().statusCode(401);
        refresh(other.refreshToken()).then().statusCode(401);
        Api.login(account.email(), account.password()).then().statusCode(401);
        Api.login(account.email(), NEW_PASSWORD).then().statusCode(200);
    }

    @Test
    void changingNeedsTheCurrentPasswordAndAStrongNewOne() {
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        Object hashBefore = Db.single("select password_hash from users where id = ?::uuid", account.id());
        change(tokens.accessToken(), "not my password", NEW_PASSWORD).statusCode(401)
                .body("code", equalTo("invalid_credentials"));
        change(tokens.accessToken(), account.password(), "short").statusCode(400).body("code", equalTo("weak_password"));
        given().contentType(ContentType.JSON).body(Map.of("current_password", account.password(), "new_password", NEW_PASSWORD))
                .put("/users/me/password").then().statusCode(401).body("code", equalTo("invalid_token"));
        assertThat(Db.single("select password_hash from users where id = ?::uuid", account.id())).isEqualTo(hashBefore);
    }

    @Test
    void aPasswordChangeKillsOutstandingResetTokens() {
        Api.Account account = newAccount();
        forgot(account.email()).statusCode(202);
        String token = resetToken(account);
        change(login(account).accessToken(), account.password(), NEW_PASSWORD).statusCode(204);
        reset(token, "someone else's passphrase 7").statusCode(400).body("code", equalTo("invalid_reset_token"));
        Api.login(account.email(), NEW_PASSWORD).then().statusCode(200);
    }

    @Test
    void aSignUpWhoseMailCannotBeSentCreatesNothing() {
        String username = Api.uniqueName("nomail");
        String email = username + "@example.com";
        GreenMailResource.whileDown(() -> given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", email, "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("unavailable")));
        assertThat(Db.count("select count(*) from users where email = ?", email)).isZero();
        // once mail flows again the same sign-up works
        given().contentType(ContentType.JSON).body(Map.of("username", username, "email", email, "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201);
    }
}
