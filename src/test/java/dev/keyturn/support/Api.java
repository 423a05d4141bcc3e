package dev.keyturn.support;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The HTTP calls tests make again and again, written once. Every account it makes is new and unique. */
public final class Api {

    public static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Api() {
    }

    public record Account(String id, String username, String email, String password) {
    }

    public record Tokens(String accessToken, String refreshToken) {
        public static Tokens of(Response response) {
            return new Tokens(response.path("access_token"), response.path("refresh_token"));
        }
    }

    public static String uniqueName(String prefix) {
        return prefix + SEQUENCE.incrementAndGet() + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new account whose email is verified with the code really mailed to it. */
    public static Account newAccount() {
        Account account = newUnverifiedAccount();
        verifyEmail(account.email());
        return account;
    }

    /** Verifies an address with the code the application mailed to it. */
    public static void verifyEmail(String email) {
        String code = Mailbox.verificationCode(GreenMailResource.server(), email);
        given().contentType(ContentType.JSON).body(Map.of("email", email, "code", code))
                .post("/auth/verify-email").then().statusCode(200);
    }

    public static Account newUnverifiedAccount() {
        String username = uniqueName("user");
        // a domain of its own, so each account's mail is easy to find
        String email = username + "@" + username + ".example.com";
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", email, "password", PASSWORD))
                .post("/auth/signup")
                .then().statusCode(201)
                .extract().path("id");
        return new Account(id, username, email.toLowerCase(java.util.Locale.ROOT), PASSWORD);
    }

    /** A new account made admin in the database (as an operator would), logged in: its access token. */
    public static String adminToken() {
        Account admin = newAccount();
        makeAdmin(admin);
        return login(admin).accessToken();
    }

    /** Gives the account the admin role in the database, as an operator would; its tokens say so from its next login. */
    public static void makeAdmin(Account account) {
        Db.update("update users set roles = array['user','admin'] where id = ?::uuid", account.id());
    }

    public static Response login(String email, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password))
                .post("/auth/login");
    }

    public static Tokens login(Account account) {
        return Tokens.of(login(account.email(), account.password()).then().statusCode(200).extract().response());
    }

    public static Response refresh(String refreshToken) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("refresh_token", refreshToken))
                .post("/auth/refresh");
    }

    public static Response me(String accessToken) {
        return given().auth().oauth2(accessToken).get("/users/me");
    }

    public static Response logout(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/auth/logout");
    }
}
