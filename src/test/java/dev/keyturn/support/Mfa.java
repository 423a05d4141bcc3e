package dev.keyturn.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The second-factor calls tests make again and again. */
public final class Mfa {

    private Mfa() {
    }

    /** An account with a confirmed TOTP factor, its authenticator app, its recovery codes and its enrolling session. */
    public record Enrolled(Api.Account account, TotpApp app, String factorId, List<String> recoveryCodes,
            Api.Tokens session) {
    }

    public static Response enrolTotp(String accessToken) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(Map.of())
                .post("/users/me/mfa/totp");
    }

    public static Response confirm(String accessToken, String factorId, String code) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(Map.of("code", code))
                .post("/users/me/mfa/totp/" + factorId + "/confirm");
    }

    /** A new verified account with a TOTP factor enrolled and confirmed by its first code. */
    public static Enrolled accountWithTotp() {
        Api.Account account = Api.newAccount();
        Api.Tokens session = Api.login(account);
        Response enrolment = enrolTotp(session.accessToken()).then().statusCode(201).extract().response();
        TotpApp app = new TotpApp(enrolment.path("secret"));
        String factorId = enrolment.path("id");
        List<String> codes = confirm(session.accessToken(), factorId, app.nextCode()).then().statusCode(200)
                .extract().path("recovery_codes");
        return new Enrolled(account, app, factorId, codes, session);
    }

    /** The password step of a login of an account with a second factor: its mfa_token. */
    public static String mfaToken(Api.Account account) {
        return Api.login(account.email(), account.password()).then().statusCode(403)
                .extract().path("mfa_token");
    }

    public static Response secondStep(String mfaToken, Map<String, Object> proof) {
        java.util.Map<String, Object> body = new java.util.HashMap<>(proof);
        body.put("mfa_token", mfaToken);
        return given().contentType(ContentType.JSON).body(body).post("/auth/login/mfa");
    }

    public static Response withCode(String mfaToken, String code) {
        return secondStep(mfaToken, Map.of("code", code));
    }

    /** A full login of an account with TOTP: password, then the next code. */
    public static Api.Tokens login(Enrolled enrolled) {
        return Api.Tokens.of(withCode(mfaToken(enrolled.account()), enrolled.app().nextCode())
                .then().statusCode(200).extract().response());
    }

    public static Response stepUp(String accessToken, Map<String, Object> proof) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(proof).post("/auth/step-up");
    }
}
