package dev.keyturn.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Mfa;
import io.quarkus.test.junit.QuarkusTest;

/**
 * RFC 9457's members and Keyturn's {@code code}, nothing else, unless a problem carries members a client needs to go
 * on (RFC 9457 section 3.2), such as the mfa_token of {@code mfa_required}.
 */
@QuarkusTest
class ProblemShapeTest {

    @Test
    void aProblemHasTheStandardMembersOnly() {
        Map<String, Object> problem = given().get("/no/such/route").then().statusCode(404).extract().as(Map.class);
        assertThat(problem).containsOnlyKeys("type", "title", "status", "code", "detail");
    }

    @Test
    void mfaRequiredAddsTheMembersOfTheNextStepBesideThem() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        Map<String, Object> problem = Api.login(enrolled.account().email(), enrolled.account().password()).then()
                .statusCode(403).extract().as(Map.class);
        assertThat(problem).containsOnlyKeys("type", "title", "status", "code", "detail", "mfa_token", "mfa_expires_in",
                "mfa_methods");
    }
}
