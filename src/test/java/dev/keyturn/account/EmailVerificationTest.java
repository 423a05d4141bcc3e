package dev.keyturn.account;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newUnverifiedAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Mailbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** docs/api.md verify-email, resend-verification and login's email rule, driven through a real SMTP server. */
@QuarkusTest
class EmailVerificationTest {

    /** Looked up each time: another test may have restarted the server. */
    private static GreenMail mailServer() {
        return GreenMailResource.server();
    }

    private static ValidatableResponse verify(String email, String code) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "code", code))
                .post("/auth/verify-email").then();
    }

    private static ValidatableResponse resend(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email))
                .post("/auth/resend-verification").then();
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Test
    void signUpMailsACodeThatVerifiesTheEmail() throws Exception {
        Api.Account account = newUnverifiedAccount();
        MimeMessage mail = Mailbox.latest(mailServer(), account.email(), "verification code");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(account.email());
        String text = Mailbox.text(mail);
        assertThat(text).contains("Keyturn").contains("15 minutes").contains(account.username());
        assertThat(mail.getContentType()).startsWith("multipart/alternative"); // text and HTML

        String code = Mailbox.verificationCode(mailServer(), account.email());
        verify(account.email().toUpperCase(), code).statusCode(200)
                .body("email_verified", equalTo(true))
                .body("id", equalTo(account.id()));
        assertThat(Db.single("select email_verified from users where id = ?::uuid", account.id())).isEqualTo(true);
        // the code was used up
        verify(account.email(), code).statusCode(400).body("code", equalTo("invalid_code"));
        login(account.email(), account.password()).then().statusCode(200);
    }

    @Test
    void theCodeIsStoredOnlyAsAKeyedHash() {
        Api.Account account = newUnverifiedAccount();
        String code = Mailbox.verificationCode(mailServer(), account.email());
        assertThat(Db.count("select count(*) from verification_codes where user_id = ?::uuid", account.id())).isEqualTo(1);
        assertThat(Db.count("select count(*) from verification_codes where user_id = ?::uuid and "
                + "(encode(code_hash, 'escape') like ? or code_hash = sha256(convert_to(?, 'UTF8')))",
                account.id(), "%" + code + "%", code)).isZero();
    }

    @Test
    void loginRequiresAVerifiedEmailButOnlyAfterTheRightPassword() {
        Api.Account account = newUnverifiedAccount();
        login(account.email(), account.password()).then().statusCode(403).body("code", equalTo("email_not_verified"));
        login(account.email(), "wrong password here").then().statusCode(401).body("code", equalTo("invalid_credentials"));
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid", account.id())).isZero();
    }

    @Test
    void aCodeInTheLoginBodyVerifiesAndLogsInAtOnce() {
        Api.Account account = newUnverifiedAccount();
        String code = Mailbox.verificationCode(mailServer(), account.email());
        Map<String, Object> body = new HashMap<>(Map.of("email", account.email(), "password", account.password()));
        body.put("code", wrong(code));
        given().contentType(ContentType.JSON).body(body).post("/auth/login").then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        body.put("code", code);
        given().contentType(ContentType.JSON).body(body).post("/auth/login").then().statusCode(200);
        assertThat(Db.single("select email_verified from users where id = ?::uuid", account.id())).isEqualTo(true);
    }

    @Test
    void fiveWrongTriesBurnTheCode() {
        Api.Account account = newUnverifiedAccount();
        String code = Mailbox.verificationCode(mailServer(), account.email());
        for (int i = 0; i < 5; i++) {
            verify(account.email(), wrong(code)).statusCode(400).body("code", equalTo("invalid_code"));
        }
        verify(account.email(), code).statusCode(400).body("code", equalTo("invalid_code"));
        assertThat(Db.single("select email_verified from users where id = ?::uuid", account.id())).isEqualTo(false);
    }

    @Test
    void anExpiredCodeIsInvalid() {
        Api.Account account = newUnverifiedAccount();
        String code = Mailbox.verificationCode(mailServer(), account.email());
        Db.update("update verification_codes set expires_at = now() - interval '1 second' where user_id = ?::uuid",
                account.id());
        verify(account.email(), code).statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void anUnknownEmailGetsTheSameAnswerAsAWrongCode() {
        String unknown = Api.uniqueName("nobody") + "@example.com";
        var forUnknown = verify(unknown, "123456").statusCode(400).extract().body().asString();
        Api.Account account = newUnverifiedAccount();
        String code = Mailbox.verificationCode(mailServer(), account.email());
        var forWrong = verify(account.email(), wrong(code)).statusCode(400).extract().body().asString();
        assertThat(forUnknown).isEqualTo(forWrong);
    }

    @Test
    void resendMailsANewCodeAndRetiresTheOldOne() {
        Api.Account account = newUnverifiedAccount();
        String first = Mailbox.verificationCode(mailServer(), account.email());
        resend(account.email()).statusCode(202).body(equalTo("{}"));
        org.awaitility.Awaitility.await().until(() -> Mailbox.count(mailServer(), account.email(), "verification code") == 2);
        String second = Mailbox.verificationCode(mailServer(), account.email());
        if (!first.equals(second)) {
            verify(account.email(), first).statusCode(400);
        }
        verify(account.email(), second).statusCode(200);
    }

    @Test
    void resendsAreLimitedPerAccountWithRetryAfter() {
        Api.Account account = newUnverifiedAccount();
        resend(account.email()).statusCode(202);
        // 15 minutes apart
        resend(account.email()).statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("rate_limited"))
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("\\d+"));
        int retryAfter = Integer.parseInt(resend(account.email()).statusCode(429).extract().header("Retry-After"));
        assertThat(retryAfter).isBetween(880, 901);
        // at most 3 an hour: move the earlier resends back 20 minutes at a time
        Db.update("update verification_codes set created_at = created_at - interval '20 minutes' where user_id = ?::uuid",
                account.id());
        resend(account.email()).statusCode(202);
        Db.update("update verification_codes set created_at = created_at - interval '20 minutes' where user_id = ?::uuid",
                account.id());
        resend(account.email()).statusCode(202);
        Db.update("update verification_codes set created_at = created_at - interval '16 minutes' where user_id = ?::uuid",
                account.id());
        // three resends within the last hour (56, 36 and 16 minutes ago): the fourth waits for the oldest to age out
        int wait = Integer.parseInt(resend(account.email()).statusCode(429).extract().header("Retry-After"));
        assertThat(wait).isBetween(200, 300);
    }

    @Test
    void resendAnswersTheSameForUnknownAndVerifiedAccounts() {
        String unknown = Api.uniqueName("ghost") + "@example.com";
        for (int i = 0; i < 5; i++) {
            resend(unknown).statusCode(202).body(equalTo("{}"));
        }
        Api.Account verified = Api.newAccount();
        for (int i = 0; i < 5; i++) {
            resend(verified.email()).statusCode(202).body(equalTo("{}"));
        }
        assertThat(Mailbox.count(mailServer(), verified.email(), "verification code")).isEqualTo(1);
    }

    @Test
    void aConfiguredAdminEmailBecomesAdminWhenVerified() {
        // application.properties (%test) names admin@admins.example.com as a bootstrap admin
        Db.update("delete from users where email = 'admin@admins.example.com'");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", Api.uniqueName("boss"), "email", "admin@admins.example.com", "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201).body("roles", org.hamcrest.Matchers.contains("user"));
        String code = Mailbox.verificationCode(mailServer(), "admin@admins.example.com");
        verify("admin@admins.example.com", code).statusCode(200)
                .body("roles", org.hamcrest.Matchers.containsInAnyOrder("user", "admin"));
    }
}
