package dev.keyturn.it;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.newUnverifiedAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Mailbox;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/**
 * What a native executable can get wrong while the JVM build gets it right: everything the application reaches
 * by name, by reflection or as a class-path resource at run time (nativeimage/NativeRegistrations,
 * application.properties "Native executable"). It runs against whatever the build packaged, so the same
 * assertions hold for the JVM jar; against the executable they prove the registrations.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResources.class)
class NativeImageIT {

    @Test
    void signupMailsTheCodeThroughBothTemplatesAndTheCodeVerifies() throws Exception {
        // Qute templates (resources), the mailer over real SMTP (GreenMail, support/TestResources)
        Api.Account account = newUnverifiedAccount();
        MimeMessage mail = Mailbox.latest(GreenMailResource.server(), account.email(), "Your Keyturn verification code");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        assertThat(Mailbox.text(mail)).contains("Hello " + account.username()).contains("<html");
        Api.verifyEmail(account.email());
        // bcrypt (Elytron) hashes at sign-up and verifies at login
        login(account);
        login(account.email(), "a wrong password, long enough").then().statusCode(401)
                .body("code", equalTo("invalid_credentials"));
    }

    @Test
    void aWeakPasswordIsRefusedWithZxcvbnsOwnWords() {
        // zxcvbn4j's dictionaries and its message bundle are class-path resources
        String username = Api.uniqueName("weak");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@example.com", "password", "qwertyuiop"))
                .post("/auth/signup").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("weak_password"))
                .body("detail", containsString("This is a top-100 common password."))
                .body("detail", containsString("Add another word or two."));
    }

    @Test
    void thePasswordResetMailCarriesAWorkingToken() {
        Api.Account account = newAccount();
        given().contentType(ContentType.JSON).body(Map.of("email", account.email()))
                .post("/auth/password/forgot").then().statusCode(202);
        String token = Mailbox.resetToken(GreenMailResource.server(), account.email());
        String newPassword = "a different horse, staple and battery";
        given().contentType(ContentType.JSON).body(Map.of("token", token, "new_password", newPassword))
                .post("/auth/password/reset").then().statusCode(204);
        login(account.email(), newPassword).then().statusCode(200);
    }

    @Test
    void answersAreSnakeCaseJsonAndTheUserCacheServesRepeatedReads() {
        // SNAKE_CASE is a Jackson strategy Quarkus loads by name; the user view comes from Caffeine the second time
        Api.Account account = newAccount();
        Api.Tokens tokens = login(account);
        for (int i = 0; i < 2; i++) {
            me(tokens.accessToken()).then().statusCode(200)
                    .body("email", equalTo(account.email()))
                    .body("email_verified", equalTo(true));
        }
    }
}
