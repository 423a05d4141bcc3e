package dev.keyturn.mfa;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Mfa;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** KEYTURN_ADMIN_REQUIRE_MFA: admin routes need a recent second factor; a user is still refused as before. */
@QuarkusTest
@TestProfile(AdminMfaRequiredTest.AdminMfaRequired.class)
class AdminMfaRequiredTest {

    public static class AdminMfaRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyturn.accounts.admin-require-mfa", "true");
        }
    }

    @Test
    void anAdminWithoutASecondFactorIsAskedForOne() {
        Api.Account admin = Api.newAccount();
        Api.makeAdmin(admin);
        String token = Api.login(admin).accessToken();
        given().auth().oauth2(token).get("/admin/users").then().statusCode(401)
                .body("code", equalTo("insufficient_user_authentication"))
                .header("WWW-Authenticate", containsString("acr_values=\"mfa\""));
        given().auth().oauth2(token).get("/admin/clients").then().statusCode(401);
        // enrolling stays open to him
        Mfa.enrolTotp(token).then().statusCode(201);
    }

    @Test
    void anAdminWithARecentSecondFactorIsServed() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Api.makeAdmin(enrolled.account());
        String token = Mfa.login(enrolled).accessToken();
        given().auth().oauth2(token).get("/admin/users").then().statusCode(200);
        given().auth().oauth2(token).get("/users/" + Api.newAccount().id()).then().statusCode(200);
    }

    @Test
    void aUserIsRefusedAsBefore() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        given().auth().oauth2(Mfa.login(enrolled).accessToken()).get("/admin/users").then().statusCode(403)
                .body("code", equalTo("forbidden"));
    }
}
