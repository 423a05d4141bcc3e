package dev.keyturn.oauth;

import static dev.keyturn.support.Api.adminToken;
import static dev.keyturn.support.OAuthClients.confidential;
import static dev.keyturn.support.OAuthClients.password;
import static dev.keyturn.support.OAuthClients.publicClient;
import static dev.keyturn.support.OAuthClients.refresh;
import static dev.keyturn.support.OAuthClients.token;
import static dev.keyturn.support.OAuthClients.tokenPost;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Burst;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.OAuthClients;
import dev.keyturn.support.OAuthClients.Client;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** docs/api.md POST /oauth/token (RFC 6749): each grant, client authentication, scopes, errors in section 5.2's shape. */
@QuarkusTest
class TokenEndpointTest {

    String admin;

    @BeforeEach
    void anAdmin() {
        admin = adminToken();
    }

    private static void assertOAuthError(Response response, int status, String error) {
        response.then().statusCode(status).contentType(ContentType.JSON).header("Cache-Control", "no-store")
                .body("error", equalTo(error));
        assertThat(response.contentType()).doesNotContain("problem");
    }

    @Test
    void clientCredentialsGivesAServiceTokenWithoutARefreshToken() {
        Client service = registeredClient("confidential", List.of("client_credentials"),
                List.of("invoices.read", "invoices.write"), List.of("billing-api"));

        Response answer = token(service, Map.of("grant_type", "client_credentials")).then().statusCode(200)
                .contentType(ContentType.JSON).header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .body("token_type", equalTo("Bearer")).body("expires_in", equalTo(900))
                .body("refresh_token", nullValue()).body("scope", equalTo("invoices.read invoices.write"))
                .extract().response();

        String access = answer.path("access_token");
        Map<String, Object> claims = Jwts.claims(access);
        assertThat(claims.get("sub")).isEqualTo(service.clientId());
        assertThat(claims.get("client_id")).isEqualTo(service.clientId());
        assertThat(claims.get("aud")).isEqualTo("billing-api");
        assertThat(claims.get("scope")).isEqualTo("invoices.read invoices.write");
        assertThat(claims).doesNotContainKeys("sid", "email", "roles");
        assertThat(Jwts.header(access).get("typ")).isEqualTo("JWT");
        // a service token is no user's: the user routes refuse it
        Api.me(access).then().statusCode(401);
    }

    @Test
    void aScopeNarrowsTheGrantAndOneOutsideTheClientsIsRefused() {
        Client service = confidential(admin, List.of("client_credentials"), List.of("a.read", "a.write"));

        token(service, Map.of("grant_type", "client_credentials", "scope", "a.read")).then().statusCode(200)
                .body("scope", equalTo("a.read"));
        assertOAuthError(token(service, Map.of("grant_type", "client_credentials", "scope", "a.read a.delete")), 400,
                "invalid_scope");
        assertOAuthError(token(service, Map.of("grant_type", "client_credentials", "scope", "a.read  a.write")), 400,
                "invalid_scope");
    }

    @Test
    void clientSecretPostWorksAndEveryWrongCredentialIsTheSame401() {
        Client service = confidential(admin, List.of("client_credentials"), List.of());
        tokenPost(service, Map.of("grant_type", "client_credentials")).then().statusCode(200);

        for (Response wrong : List.of(
                token(new Client(service.clientId(), service.secret() + "x"), Map.of("grant_type", "client_credentials")),
                tokenPost(new Client(service.clientId(), "not-the-secret-0123456789012345678901"),
                        Map.of("grant_type", "client_credentials")),
                token(new Client("no-such-client", service.secret()), Map.of("grant_type", "client_credentials")),
                // a confidential client that sends no secret
                given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                        .formParam("client_id", service.clientId()).post("/oauth/token"),
                given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials").post("/oauth/token"))) {
            assertOAuthError(wrong, 401, "invalid_client");
            wrong.then().header("WWW-Authenticate", startsWith("Basic realm="));
        }
        // two methods at once
        assertOAuthError(basicAndPost(service), 400, "invalid_request");
    }

    @Test
    void malformedRequestsAreRefusedInTheRfcShape() {
        Client service = confidential(admin, List.of("client_credentials"), List.of());
        assertOAuthError(token(service, Map.of("grant_type", "authorization_code", "code", "x")), 400,
                "unsupported_grant_type");
        assertOAuthError(token(service, Map.of()), 400, "invalid_request");
        assertOAuthError(OAuthClients.basic(service).formParam("grant_type", "client_credentials", "client_credentials")
                .post("/oauth/token"), 400, "invalid_request");
        assertOAuthError(given().contentType(ContentType.JSON).body(Map.of("grant_type", "client_credentials"))
                .post("/oauth/token"), 400, "invalid_request");
        // a grant the client was not registered for
        assertOAuthError(token(service, Map.of("grant_type", "password", "username", "a@b.example", "password", "x")),
                400, "unauthorized_client");
    }

    @Test
    void passwordGrantStartsASessionOfTheClient() {
        Client app = publicClient(admin, List.of("password", "refresh_token"), List.of("profile"));
        Api.Account account = Api.newAccount();

        Response answer = password(app, account).then().statusCode(200).header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer")).body("scope", equalTo("profile"))
                .body("refresh_expires_in", equalTo(604800)).extract().response();

        String access = answer.path("access_token");
        Map<String, Object> claims = Jwts.claims(access);
        assertThat(claims.get("sub")).isEqualTo(account.id());
        assertThat(claims.get("client_id")).isEqualTo(app.clientId());
        assertThat(claims.get("aud")).isEqualTo("keyturn");
        UUID sid = UUID.fromString((String) claims.get("sid"));
        Api.me(access).then().statusCode(200).body("email", equalTo(account.email()));
        assertThat(Db.single("select client_id from sessions where id = ?", sid)).isEqualTo(app.clientId());
        assertThat(Db.count("select count(*) from audit_events where type = 'login_succeeded' and session_id = ?"
                + " and detail ->> 'client_id' = ?", sid, app.clientId())).isEqualTo(1);
    }

    @Test
    void passwordGrantFollowsTheLoginRules() {
        Client app = publicClient(admin, List.of("password"), List.of());
        Api.Account account = Api.newAccount();
        Api.Account unverified = Api.newUnverifiedAccount();
        long sessions = Db.count("select count(*) from sessions");

        assertOAuthError(password(app, new Api.Account(account.id(), account.username(), account.email(), "wrong password 1")),
                400, "invalid_grant");
        assertOAuthError(password(app, new Api.Account(null, null, "nobody-" + UUID.randomUUID() + "@x.example.com",
                "wrong password 1")), 400, "invalid_grant");
        assertOAuthError(password(app, unverified), 400, "invalid_grant");
        Db.update("update users set disabled = true where id = ?::uuid", account.id());
        assertOAuthError(password(app, account), 400, "invalid_grant");
        assertThat(Db.count("select count(*) from sessions")).isEqualTo(sessions);
    }

    @Test
    void refreshRotatesWithinTheSessionAndIsBoundToItsClient() {
        Client app = publicClient(admin, List.of("password", "refresh_token"), List.of("profile", "email"));
        Client other = publicClient(admin, List.of("password", "refresh_token"), List.of("profile", "email"));
        Response first = password(app, Api.newAccount()).then().statusCode(200).extract().response();
        String firstRefresh = first.path("refresh_token");
        Object sid = Jwts.claims(firstRefresh).get("sid");

        // another client, and the JSON door, cannot use this client's token; neither changes anything
        assertOAuthError(refresh(other, firstRefresh), 400, "invalid_grant");
        Api.refresh(firstRefresh).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));

        Response second = refresh(app, firstRefresh).then().statusCode(200).header("Cache-Control", "no-store")
                .body("scope", equalTo("profile email")).extract().response();
        assertThat(Jwts.claims(second.path("access_token")).get("sid")).isEqualTo(sid);
        assertThat(Jwts.claims(second.path("access_token")).get("client_id")).isEqualTo(app.clientId());
        // narrowing on refresh
        Response third = tokenPost(app, Map.of("grant_type", "refresh_token", "refresh_token",
                second.path("refresh_token"), "scope", "email")).then().statusCode(200)
                .body("scope", equalTo("email")).extract().response();
        assertThat(Jwts.claims(third.path("access_token")).get("scope")).isEqualTo("email");
    }

    @Test
    void aReplayedRefreshTokenThroughTheTokenEndpointRevokesTheSession() {
        Client app = publicClient(admin, List.of("password", "refresh_token"), List.of());
        Response first = password(app, Api.newAccount()).then().statusCode(200).extract().response();
        String firstRefresh = first.path("refresh_token");
        Response second = refresh(app, firstRefresh).then().statusCode(200).extract().response();
        Object sid = Jwts.claims(firstRefresh).get("sid");
        Db.update("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = ?::uuid"
                + " and used_at is not null", sid);

        assertOAuthError(refresh(app, firstRefresh), 400, "invalid_grant");

        assertOAuthError(refresh(app, second.path("refresh_token")), 400, "invalid_grant");
        Api.me(second.path("access_token")).then().statusCode(401);
        assertThat(Db.single("select revoked_reason from sessions where id = ?::uuid", sid)).isEqualTo("refresh_token_reuse");
    }

    @Test
    void parallelRefreshesOfOneTokenMakeOneChild() {
        Client app = confidential(admin, List.of("password", "refresh_token"), List.of());
        Api.Account account = Api.newAccount();
        Response first = OAuthClients.token(app, Map.of("grant_type", "password", "username", account.email(),
                "password", account.password())).then().statusCode(200).extract().response();
        String refreshToken = first.path("refresh_token");

        List<Response> answers = Burst.times(20, i -> token(app, Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken)));

        Set<String> children = new HashSet<>();
        for (Response answer : answers) {
            answer.then().statusCode(200);
            children.add(answer.path("refresh_token"));
        }
        assertThat(children).hasSize(1);
        Object sid = Jwts.claims(refreshToken).get("sid");
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ?::uuid", sid)).isEqualTo(2);
    }

    @Test
    void disablingAClientEndsItsSessionsAndItsTokenRequests() {
        Client app = confidential(admin, List.of("password", "refresh_token"), List.of());
        Api.Account account = Api.newAccount();
        Response tokens = token(app, Map.of("grant_type", "password", "username", account.email(), "password",
                account.password())).then().statusCode(200).extract().response();
        Api.Tokens own = Api.login(account);

        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", "Test client", "type", "confidential",
                        "grant_types", List.of("password", "refresh_token"), "enabled", false))
                .put("/admin/clients/" + app.clientId()).then().statusCode(200).body("enabled", equalTo(false));

        Api.me(tokens.path("access_token")).then().statusCode(401);
        assertOAuthError(token(app, Map.of("grant_type", "refresh_token", "refresh_token", tokens.path("refresh_token"))),
                401, "invalid_client");
        Object sid = Jwts.claims(tokens.path("access_token")).get("sid");
        assertThat(Db.single("select revoked_reason from sessions where id = ?::uuid", sid)).isEqualTo("client_disabled");
        // the user's own session, not the client's, goes on
        Api.me(own.accessToken()).then().statusCode(200);
    }

    @Test
    void disablingAClientWhileItsUsersLogInLeavesNoLiveSessionOfIt() {
        Client app = confidential(admin, List.of("password", "refresh_token"), List.of());
        Api.Account account = Api.newAccount();
        Map<String, String> login = Map.of("grant_type", "password", "username", account.email(),
                "password", account.password());

        List<Response> answers = Burst.times(21, i -> i == 10
                ? given().auth().oauth2(admin).contentType(ContentType.JSON)
                        .body(Map.of("name", "Test client", "type", "confidential",
                                "grant_types", List.of("password", "refresh_token"), "enabled", false))
                        .put("/admin/clients/" + app.clientId())
                : token(app, login));

        answers.get(10).then().statusCode(200);
        for (int i = 0; i < answers.size(); i++) {
            if (i == 10) {
                continue;
            }
            Response answer = answers.get(i);
            assertThat(answer.statusCode()).as(answer.body().asString()).isIn(200, 401);
            if (answer.statusCode() == 200) {
                Api.me(answer.path("access_token")).then().statusCode(401);
            }
        }
        assertThat(Db.count("select count(*) from sessions where client_id = ? and revoked_at is null", app.clientId()))
                .isZero();
        assertOAuthError(token(app, login), 401, "invalid_client");
    }

    @Test
    void discoveryListsTheTokenEndpointTruthfully() {
        confidential(admin, List.of("client_credentials"), List.of("discovery.scope"));
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("token_endpoint", equalTo("http://localhost:8080/oauth/token"))
                .body("grant_types_supported", org.hamcrest.Matchers.containsInAnyOrder("password", "refresh_token",
                        "client_credentials", "urn:keyturn:params:oauth:grant-type:mfa"))
                .body("token_endpoint_auth_methods_supported", org.hamcrest.Matchers.containsInAnyOrder(
                        "client_secret_basic", "client_secret_post", "private_key_jwt", "none"))
                .body("scopes_supported", org.hamcrest.Matchers.hasItem("discovery.scope"));
    }

    private Client registeredClient(String type, List<String> grants, List<String> scopes, List<String> audience) {
        return OAuthClients.registered(admin, Map.of("type", type, "grant_types", grants, "scopes", scopes,
                "audience", audience));
    }

    private static Response basicAndPost(Client client) {
        return OAuthClients.basic(client).formParam("grant_type", "client_credentials")
                .formParam("client_id", client.clientId()).formParam("client_secret", client.secret())
                .post("/oauth/token");
    }
}
