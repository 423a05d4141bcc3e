package dev.keyturn.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.support.ClientStack;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;
import dev.keyturn.support.TokenForgery;

/**
 * Real, unmodified client stacks against the packaged service, each a standard project of {@code clients/} (README
 * there) configured with nothing but Keyturn's issuer URL (and audience): a Spring Boot resource server, a Quarkus
 * service with quarkus-oidc, a Quarkus application with quarkus-oidc-client and a Node script with jose. Keyturn's
 * issuer is its own base URL ({@link PackagedDeployment#issuerAtOwnBase()}), as in a deployment, so that discovery at
 * that URL names the issuer the tokens carry.
 * <p>
 * Each verifier must accept a Keyturn access token and refuse a forged one (Keyturn's header and claims, another
 * key's signature), an expired one and one for another audience (both signed with Keyturn's own key).
 */
class StandardClientsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String AUDIENCE = "keyturn";
    private static final String BILLING_SECRET = secret();
    private static final String PORTAL_SECRET = secret();

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn").issuerAtOwnBase()
            .with("KEYTURN_AUDIENCE", AUDIENCE)
            // the quarkus-oidc-client test counts on it (PORTAL_REFRESH_TOKEN_TIME_SKEW)
            .with("KEYTURN_ACCESS_TOKEN_LIFETIME", "PT15M")
            .with("KEYTURN_CLIENTS", clients());

    /** A user's tokens and, from them, the tokens every verifier must refuse. */
    private static Map<String, Object> userTokens;
    private static String access;
    /** The access token re-signed, unchanged, with Keyturn's key: accepted like the original. */
    private static String resigned;
    private static String forged;
    private static String expired;
    private static String foreign;

    @BeforeAll
    static void tokens() throws Exception {
        userTokens = service().login(service().newAccount("clients"));
        access = (String) userTokens.get("access_token");
        assertThat(Jwts.header(access)).as("access-token header").containsEntry("typ", "JWT");
        assertThat(Jwts.claims(access)).containsEntry("iss", service().base());
        PrivateKey keyturnKey = TokenForgery.readRsaKey(PackagedService.signingKey(deployment.workDirectory()));
        forged = TokenForgery.resign(access, claims -> claims, TokenForgery.strangerKey());
        Instant now = Instant.now();
        expired = TokenForgery.resign(access, claims -> claims.issueTime(Date.from(now.minusSeconds(1000)))
                .expirationTime(Date.from(now.minusSeconds(100))), keyturnKey);
        foreign = TokenForgery.resign(access, claims -> claims.audience("another-service"), keyturnKey);
        // accepted by Keyturn, and by every client below: their refusals are for what was changed, not for re-signing
        resigned = TokenForgery.resign(access, claims -> claims, keyturnKey);
        assertThat(service().get("/users/me", resigned).statusCode()).isEqualTo(200);
        assertThat(service().get("/users/me", expired).statusCode()).isEqualTo(401);
        assertThat(service().get("/users/me", foreign).statusCode()).isEqualTo(401);
    }

    @Test
    void springBootResourceServerWithIssuerUriAndAudiences() throws Exception {
        Path app = ClientStack.mavenBuild("spring-resource-server");
        int port = ClientStack.freePort();
        try (ClientStack spring = ClientStack.start("spring-resource-server",
                List.of(ClientStack.java(), "-Xmx192m", "-jar", "target/spring-resource-server-1.0.0-SNAPSHOT.jar"),
                app, verifierEnvironment(port), port, "/hello")) {
            HttpResponse<String> hello = spring.get("/hello", access);
            assertThat(hello.statusCode()).as(spring.logTail()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello " + Jwts.claims(access).get("sub"));

            assertThat(spring.get("/hello", resigned).statusCode()).as("re-signed by Keyturn's key").isEqualTo(200);

            assertThat(spring.get("/hello", null).statusCode()).isEqualTo(401);
            // Spring says why in WWW-Authenticate (RFC 6750 error_description)
            assertRefused(spring.get("/hello", forged), "forged", "signature");
            assertRefused(spring.get("/hello", expired), "expired", "expired");
            assertRefused(spring.get("/hello", foreign), "another audience", "aud");
            assertThat(spring.get("/hello", (String) userTokens.get("refresh_token")).statusCode())
                    .as("a refresh token").isEqualTo(401);
        }
    }

    @Test
    void quarkusOidcServiceMapsTheRolesClaim() throws Exception {
        Path app = ClientStack.mavenBuild("quarkus-oidc-service");
        Map<String, String> admin = service().newAccount("clients-admin");
        deployment.sql("update users set roles = ARRAY['user', 'admin'] where email = '" + admin.get("email") + "'");
        String adminAccess = (String) service().login(admin).get("access_token");
        int port = ClientStack.freePort();
        try (ClientStack quarkus = ClientStack.start("quarkus-oidc-service",
                List.of(ClientStack.java(), "-Xmx128m", "-jar", "target/quarkus-app/quarkus-run.jar"),
                app, verifierEnvironment(port), port, "/user")) {
            HttpResponse<String> user = quarkus.get("/user", access);
            assertThat(user.statusCode()).as(quarkus.logTail()).isEqualTo(200);
            assertThat(user.body()).isEqualTo("hello user " + Jwts.claims(access).get("sub"));
            assertThat(quarkus.get("/admin", access).statusCode()).as("a user on the admin route").isEqualTo(403);
            assertThat(quarkus.get("/admin", adminAccess).statusCode()).as("an admin").isEqualTo(200);

            assertThat(quarkus.get("/user", resigned).statusCode()).as("re-signed by Keyturn's key").isEqualTo(200);

            assertThat(quarkus.get("/user", null).statusCode()).isEqualTo(401);
            assertThat(quarkus.get("/user", forged).statusCode()).as("forged").isEqualTo(401);
            assertThat(quarkus.get("/user", expired).statusCode()).as("expired").isEqualTo(401);
            assertThat(quarkus.get("/user", foreign).statusCode()).as("another audience").isEqualTo(401);
        }
    }

    @Test
    void quarkusOidcClientGetsAndRefreshesTokensByItself() throws Exception {
        Map<String, Object> discovery = PackagedService.json(service().get("/.well-known/openid-configuration", null));
        assertThat(discovery.get("token_endpoint")).as("what quarkus-oidc-client discovers")
                .isEqualTo(service().base() + "/oauth/token");
        // The endpoint itself first, so that a missing one fails here with its status (quarkus-oidc-client would only
        // say at start-up that discovery names no token endpoint).
        HttpResponse<String> direct = HTTP.send(HttpRequest.newBuilder(URI.create(service().base() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("billing:" + BILLING_SECRET).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=invoices.read"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).as("POST /oauth/token client_credentials: " + direct.body()).isEqualTo(200);

        Map<String, String> account = service().newAccount("clients-portal");
        deployment.sql("update users set email_verified = true where email = '" + account.get("email") + "'");
        Path app = ClientStack.mavenBuild("quarkus-oidc-client");
        int port = ClientStack.freePort();
        Map<String, String> environment = new HashMap<>(Map.of(
                "KEYTURN_ISSUER", service().base(),
                "PORT", Integer.toString(port),
                "BILLING_CLIENT_SECRET", BILLING_SECRET,
                "PORTAL_CLIENT_SECRET", PORTAL_SECRET,
                "PORTAL_USERNAME", account.get("email"),
                "PORTAL_PASSWORD", account.get("password"),
                // Keyturn's access tokens live 15 minutes: refresh any older than 2 s
                "PORTAL_REFRESH_TOKEN_TIME_SKEW", "PT898S"));
        try (ClientStack client = ClientStack.start("quarkus-oidc-client",
                List.of(ClientStack.java(), "-Xmx128m", "-jar", "target/quarkus-app/quarkus-run.jar"),
                app, environment, port, "/")) {
            HttpResponse<String> billing = client.get("/tokens/billing", null);
            assertThat(billing.statusCode()).as(client.logTail()).isEqualTo(200);
            Map<String, Object> billingClaims = Jwts.claims(billing.body());
            assertThat(billingClaims).containsEntry("sub", "billing").containsEntry("client_id", "billing");
            assertThat(((String) billingClaims.get("scope")).split(" ")).contains("invoices.read");
            assertThat(client.get("/tokens/billing", null).body()).as("the client reuses its token").isEqualTo(billing.body());

            HttpResponse<String> first = client.get("/tokens/portal", null);
            assertThat(first.statusCode()).as(client.logTail()).isEqualTo(200);
            HttpResponse<String> me = service().get("/users/me", first.body());
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(PackagedService.json(me)).containsEntry("email", account.get("email"));
            assertThat(Jwts.claims(first.body())).containsEntry("client_id", "portal");

            Thread.sleep(3_500);
            HttpResponse<String> refreshed = client.get("/tokens/portal", null);
            assertThat(refreshed.statusCode()).as(client.logTail()).isEqualTo(200);
            assertThat(refreshed.body()).as("a refreshed access token").isNotEqualTo(first.body());
            assertThat(Jwts.claims(refreshed.body()).get("sid")).as("the same session")
                    .isEqualTo(Jwts.claims(first.body()).get("sid"));
            assertThat(service().get("/users/me", refreshed.body()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void nodeJoseVerifiesThroughDiscovery() throws Exception {
        Path app = ClientStack.npmInstall("node-jose");
        Path log = app.resolve("verify.log");
        List<String> command = new ArrayList<>(List.of("node", "verify.mjs", service().base(), AUDIENCE));
        command.addAll(List.of(access, forged, expired, foreign, resigned));
        int exit = ClientStack.run(command, app, Map.of(), log, Duration.ofSeconds(60));
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();
        List<Map<String, Object>> results = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            results.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {
            }));
        }
        assertThat(results).as(output).hasSize(5);
        assertThat(results.get(0)).containsEntry("valid", true).containsEntry("sub", Jwts.claims(access).get("sub"))
                .containsEntry("roles", List.of("user"));
        assertThat(results.get(1)).as("forged").containsEntry("valid", false)
                .containsEntry("code", "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        assertThat(results.get(2)).as("expired").containsEntry("valid", false).containsEntry("code", "ERR_JWT_EXPIRED");
        assertThat(results.get(3)).as("another audience").containsEntry("valid", false)
                .containsEntry("code", "ERR_JWT_CLAIM_VALIDATION_FAILED");
        assertThat(results.get(4)).as("re-signed by Keyturn's key").containsEntry("valid", true);
    }

    private static void assertRefused(HttpResponse<String> response, String token, String reason) {
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertThat(response.statusCode()).as(token).isEqualTo(401);
        assertThat(challenge).as(token + ": WWW-Authenticate").contains("invalid_token").containsIgnoringCase(reason);
    }

    // --------------------------------------------------------------------------------------------- helpers

    private static PackagedService service() {
        return deployment.service();
    }

    /** What a resource server is told of Keyturn: its issuer URL and the audience to require. */
    private static Map<String, String> verifierEnvironment(int port) {
        return Map.of("KEYTURN_ISSUER", service().base(), "KEYTURN_AUDIENCE", AUDIENCE, "PORT", Integer.toString(port));
    }

    /**
     * The OAuth clients declared in configuration ({@code KEYTURN_CLIENTS}): each a POST /admin/clients body plus its
     * {@code client_secret}.
     */
    private static String clients() {
        try {
            return JSON.writeValueAsString(List.of(
                    Map.of("client_id", "billing", "name", "Billing", "type", "confidential",
                            "grant_types", List.of("client_credentials"), "scopes", List.of("invoices.read"),
                            "client_secret", BILLING_SECRET),
                    Map.of("client_id", "portal", "name", "Portal", "type", "confidential",
                            "grant_types", List.of("password", "refresh_token"), "scopes", List.of(),
                            "client_secret", PORTAL_SECRET)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** 32 random bytes, base64url: 43 characters. */
    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
