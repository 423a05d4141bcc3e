package dev.keyturn.support;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Form-encoded calls to the RFC 7009 and RFC 7662 endpoints. */
public final class OAuthApi {

    /** The introspection client of the test profile (application.properties, %test). */
    public static final String CLIENT_ID = "test-resource-server";
    public static final String CLIENT_SECRET = "test-introspection-secret-0123456789";

    private OAuthApi() {
    }

    public static Response revoke(String token, String hint) {
        RequestSpecification request = given().contentType("application/x-www-form-urlencoded");
        if (token != null) {
            request.formParam("token", token);
        }
        if (hint != null) {
            request.formParam("token_type_hint", hint);
        }
        return request.post("/oauth/revoke");
    }

    public static Response revoke(String token) {
        return revoke(token, null);
    }

    /** Introspects as the configured introspection client (HTTP Basic). */
    public static Response introspect(String token) {
        return given().auth().preemptive().basic(CLIENT_ID, CLIENT_SECRET)
                .contentType("application/x-www-form-urlencoded")
                .formParam("token", token)
                .post("/oauth/introspect");
    }

    /** Introspects with a Bearer access token. */
    public static Response introspectAs(String accessToken, String token) {
        return given().auth().oauth2(accessToken)
                .contentType("application/x-www-form-urlencoded")
                .formParam("token", token)
                .post("/oauth/introspect");
    }
}
