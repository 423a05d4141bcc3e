package dev.keyturn.auth;

import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** docs/api.md "Cookie transport (browsers)". */
@QuarkusTest
class CookieTransportTest {

    private static Response cookieLogin(Api.Account account) {
        return given().contentType(ContentType.JSON).header("X-Refresh-Token-Transport", "cookie")
                .body(Map.of("email", account.email(), "password", account.password()))
                .post("/auth/login");
    }

    private static String cookieValue(String setCookie) {
        return setCookie.substring("refresh_token=".length(), setCookie.indexOf(';'));
    }

    @Test
    void loginSetsAStrictHttpOnlyCookieAndLeavesTheTokenOutOfTheBody() {
        Response response = cookieLogin(newAccount());
        response.then().statusCode(200)
                .body("access_token", notNullValue())
                .body("$", not(hasKey("refresh_token")));
        String setCookie = response.getHeader("Set-Cookie");
        assertThat(setCookie).startsWith("refresh_token=ey")
                .contains("; HttpOnly").contains("; Secure").contains("; SameSite=Strict").contains("; Path=/auth")
                .contains("; Max-Age=604800");
    }

    @Test
    void refreshReadsTheCookieAndRotatesIt() {
        String first = cookieValue(cookieLogin(newAccount()).getHeader("Set-Cookie"));
        Response rotated = given().header("X-Refresh-Token-Transport", "cookie").cookie("refresh_token", first)
                .post("/auth/refresh");
        rotated.then().statusCode(200).body("$", not(hasKey("refresh_token")));
        String second = cookieValue(rotated.getHeader("Set-Cookie"));
        assertThat(second).isNotEqualTo(first);
        // an empty JSON body also falls back to the cookie; without the header the token still goes back as a
        // cookie only (docs/api.md: a token that came as a cookie only ever goes back as one)
        Response again = given().contentType(ContentType.JSON).body("{}").cookie("refresh_token", second)
                .post("/auth/refresh");
        again.then().statusCode(200).body("$", not(hasKey("refresh_token")));
        assertThat(cookieValue(again.getHeader("Set-Cookie"))).isNotEqualTo(second);
    }

    @Test
    void logoutReadsTheCookieAndClearsIt() {
        Response login = cookieLogin(newAccount());
        String token = cookieValue(login.getHeader("Set-Cookie"));
        String access = login.path("access_token");
        Response logout = given().cookie("refresh_token", token).post("/auth/logout");
        logout.then().statusCode(204);
        assertThat(logout.getHeader("Set-Cookie")).startsWith("refresh_token=;").contains("Max-Age=0");
        me(access).then().statusCode(401);
        given().cookie("refresh_token", token).post("/auth/refresh").then().statusCode(401);
    }
}
