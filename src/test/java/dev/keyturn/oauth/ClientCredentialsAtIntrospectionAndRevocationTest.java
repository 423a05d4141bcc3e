package dev.keyturn.oauth;

import static dev.keyturn.support.Api.adminToken;
import static dev.keyturn.support.OAuthClients.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.OAuthClients;
import dev.keyturn.support.OAuthClients.Client;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Issue 17 point 5: registered clients' credentials at RFC 7662 introspection and RFC 7009 revocation. */
@QuarkusTest
class ClientCredentialsAtIntrospectionAndRevocationTest {

    String admin;
    Client resourceServer;

    @BeforeEach
    void clients() {
        admin = adminToken();
        resourceServer = OAuthClients.confidential(admin, List.of("client_credentials"), List.of());
    }

    private static Response introspect(Client as, String token) {
        return OAuthClients.basic(as).formParam("token", token).post("/oauth/introspect");
    }

    private static Response revoke(Client as, String token) {
        return OAuthClients.basic(as).formParam("token", token).post("/oauth/revoke");
    }

    @Test
    void aRegisteredClientIntrospectsAServiceTokenWhileItsClientIsEnabled() {
        Client service = OAuthClients.registered(admin, Map.of("type", "confidential",
                "grant_types", List.of("client_credentials"), "scopes", List.of("stock.read"),
                "audience", List.of("stock-api")));
        String access = token(service, Map.of("grant_type", "client_credentials")).then().statusCode(200)
                .extract().path("access_token");

        introspect(resourceServer, access).then().statusCode(200).body("active", equalTo(true))
                .body("token_type", equalTo("access_token")).body("sub", equalTo(service.clientId()))
                .body("client_id", equalTo(service.clientId())).body("scope", equalTo("stock.read"))
                .body("aud", equalTo("stock-api")).body("sid", nullValue());

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "Stock", "type", "confidential",
                "grant_types", List.of("client_credentials"), "enabled", false))
                .put("/admin/clients/" + service.clientId()).then().statusCode(200);
        introspect(resourceServer, access).then().statusCode(200).body("active", equalTo(false))
                .body("client_id", nullValue());
    }

    @Test
    void wrongClientCredentialsCannotIntrospect() {
        introspect(new Client(resourceServer.clientId(), "wrong-secret-0123456789-0123456789-xx"), "x")
                .then().statusCode(401).body("code", equalTo("invalid_credentials"));
        Client publicApp = OAuthClients.publicClient(admin, List.of("password"), List.of());
        introspect(new Client(publicApp.clientId(), ""), "x").then().statusCode(401);
    }

    @Test
    void aUserTokenForAClientsAudienceIsActiveWhileItsSessionIs() {
        Client app = OAuthClients.registered(admin, Map.of("type", "confidential",
                "grant_types", List.of("password", "refresh_token"), "scopes", List.of("orders"),
                "audience", List.of("orders-api", "billing-api")));
        Api.Account account = Api.newAccount();
        Response tokens = token(app, Map.of("grant_type", "password", "username", account.email(),
                "password", account.password())).then().statusCode(200).extract().response();
        String access = tokens.path("access_token");
        assertThat(Jwts.claims(access).get("aud")).isEqualTo(List.of("orders-api", "billing-api"));
        // not the service's own audience: its user routes refuse it
        Api.me(access).then().statusCode(401);

        introspect(resourceServer, access).then().statusCode(200).body("active", equalTo(true))
                .body("sub", equalTo(account.id())).body("client_id", equalTo(app.clientId()))
                .body("scope", equalTo("orders")).body("sid", equalTo(Jwts.claims(access).get("sid")));

        revoke(app, tokens.path("refresh_token")).then().statusCode(200);
        introspect(resourceServer, access).then().statusCode(200).body("active", equalTo(false));
    }

    @Test
    void aClientRevokesOnlyTheTokensIssuedToIt() {
        Client app = OAuthClients.confidential(admin, List.of("password", "refresh_token"), List.of());
        Client other = OAuthClients.confidential(admin, List.of("password", "refresh_token"), List.of());
        Api.Account account = Api.newAccount();
        String refreshToken = token(app, Map.of("grant_type", "password", "username", account.email(),
                "password", account.password())).then().statusCode(200).extract().path("refresh_token");
        Object sid = Jwts.claims(refreshToken).get("sid");
        Api.Tokens firstParty = Api.login(account);

        revoke(other, refreshToken).then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("unauthorized_client"));
        revoke(other, firstParty.refreshToken()).then().statusCode(400).body("error", equalTo("unauthorized_client"));
        revoke(new Client(app.clientId(), "wrong-secret-0123456789-0123456789-xx"), refreshToken).then().statusCode(401)
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Basic")).body("error", equalTo("invalid_client"));
        given().contentType(ContentType.URLENC).formParam("token", refreshToken).formParam("client_id", app.clientId())
                .post("/oauth/revoke").then().statusCode(401).body("error", equalTo("invalid_client"));
        assertThat(Db.single("select revoked_at from sessions where id = ?::uuid", sid)).isNull();

        // client_secret_post, the client's own token
        given().contentType(ContentType.URLENC).formParam("token", refreshToken).formParam("client_id", app.clientId())
                .formParam("client_secret", app.secret()).post("/oauth/revoke").then().statusCode(200);
        assertThat(Db.single("select revoked_reason from sessions where id = ?::uuid", sid)).isEqualTo("token_revoked");
        // the token's holder without client credentials, as before
        revokeAsItsHolder(firstParty.refreshToken());
        Api.refresh(firstParty.refreshToken()).then().statusCode(401);
    }

    private static void revokeAsItsHolder(String token) {
        dev.keyturn.support.OAuthApi.revoke(token).then().statusCode(200);
    }
}
