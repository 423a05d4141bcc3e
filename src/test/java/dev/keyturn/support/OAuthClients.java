package dev.keyturn.support;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Registered OAuth clients (POST /admin/clients) and calls of POST /oauth/token, as a client library makes them. */
public final class OAuthClients {

    private OAuthClients() {
    }

    /** A client as registered: its id and (confidential clients) the secret shown once. */
    public record Client(String clientId, String secret) {
    }

    public static Response register(String adminToken, Map<String, Object> body) {
        return given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(body).post("/admin/clients");
    }

    /** Registers a client with a unique id; {@code settings} over name and client_id. */
    public static Client registered(String adminToken, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>();
        body.put("client_id", Api.uniqueName("client"));
        body.put("name", "Test client");
        body.putAll(settings);
        Response created = register(adminToken, body).then().statusCode(201).extract().response();
        return new Client(created.path("client_id"), created.path("client_secret"));
    }

    public static Client confidential(String adminToken, List<String> grants, List<String> scopes) {
        return registered(adminToken, Map.of("type", "confidential", "grant_types", grants, "scopes", scopes));
    }

    public static Client publicClient(String adminToken, List<String> grants, List<String> scopes) {
        return registered(adminToken, Map.of("type", "public", "grant_types", grants, "scopes", scopes));
    }

    /** The token endpoint with the client's secret in HTTP Basic (client_secret_basic). */
    public static Response token(Client client, Map<String, String> form) {
        return basic(client).formParams(form).post("/oauth/token");
    }

    /** The token endpoint with the credentials as form fields (client_secret_post, or a public client's id alone). */
    public static Response tokenPost(Client client, Map<String, String> form) {
        Map<String, String> all = new HashMap<>(form);
        all.put("client_id", client.clientId());
        if (client.secret() != null) {
            all.put("client_secret", client.secret());
        }
        return given().contentType(ContentType.URLENC).formParams(all).post("/oauth/token");
    }

    public static RequestSpecification basic(Client client) {
        return given().contentType(ContentType.URLENC).auth().preemptive().basic(client.clientId(), client.secret());
    }

    public static Response password(Client client, Api.Account account) {
        return tokenPost(client, Map.of("grant_type", "password", "username", account.email(), "password",
                account.password()));
    }

    public static Response refresh(Client client, String refreshToken) {
        return tokenPost(client, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }
}
