package dev.keyturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.keyturn.support.Jwts;
import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * The packaged application (JVM jar or native executable) with clients declared in KEYTURN_CLIENTS, as a GitOps
 * deployment has them: start-up writes them (Hibernate Reactive under VertxContextSupport, JSON read into records),
 * and the token endpoint serves each grant and each way of client authentication, private_key_jwt's RSA included.
 */
class OAuthClientsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SERVICE_SECRET = Base64.getUrlEncoder().withoutPadding()
            .encodeToString(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.UTF_8));
    private static final RSAKey CLIENT_KEY = clientKey();

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn-oauth")
            .with("KEYTURN_CLIENTS", declaration());

    private static RSAKey clientKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("it-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String declaration() {
        try {
            return JSON.writeValueAsString(List.of(
                    Map.of("client_id", "it-service", "name", "Reports", "type", "confidential",
                            "grant_types", List.of("client_credentials"), "scopes", List.of("reports.read"),
                            "audience", List.of("reports-api"), "client_secret", SERVICE_SECRET),
                    Map.of("client_id", "it-app", "name", "App", "type", "public",
                            "grant_types", List.of("password", "refresh_token"), "scopes", List.of("profile")),
                    Map.of("client_id", "it-keys", "name", "Keys", "type", "confidential",
                            "grant_types", List.of("client_credentials"),
                            "jwks", new JWKSet(CLIENT_KEY.toPublicJWK()).toJSONObject())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> form(String path, Map<String, String> fields, String basic) throws Exception {
        String body = fields.entrySet().stream().map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(deployment.service().base() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basic != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDeclaredServiceGetsItsOwnTokenAndIntrospectsIt() throws Exception {
        HttpResponse<String> answer = form("/oauth/token", Map.of("grant_type", "client_credentials"),
                "it-service:" + SERVICE_SECRET);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        String access = (String) PackagedService.json(answer).get("access_token");
        assertThat(Jwts.claims(access)).containsEntry("sub", "it-service").containsEntry("aud", "reports-api")
                .containsEntry("scope", "reports.read").doesNotContainKey("sid");

        HttpResponse<String> introspected = form("/oauth/introspect", Map.of("token", access), "it-service:" + SERVICE_SECRET);
        assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
        assertThat(PackagedService.json(introspected)).containsEntry("active", true).containsEntry("client_id", "it-service");

        HttpResponse<String> wrong = form("/oauth/token", Map.of("grant_type", "client_credentials"), "it-service:wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(PackagedService.json(wrong)).containsEntry("error", "invalid_client");
    }

    @Test
    void aPublicAppLogsAUserInAndRotatesThroughTheTokenEndpoint() throws Exception {
        Map<String, String> account = deployment.service().newAccount("oauth");
        Map<String, String> password = new LinkedHashMap<>(Map.of("grant_type", "password", "client_id", "it-app",
                "username", account.get("email"), "password", account.get("password")));
        HttpResponse<String> login = form("/oauth/token", password, null);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        Map<String, Object> tokens = PackagedService.json(login);
        assertThat(tokens).containsEntry("scope", "profile");
        assertThat(deployment.service().get("/users/me", (String) tokens.get("access_token")).statusCode()).isEqualTo(200);

        HttpResponse<String> refreshed = form("/oauth/token", Map.of("grant_type", "refresh_token", "client_id", "it-app",
                "refresh_token", (String) tokens.get("refresh_token")), null);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(PackagedService.sessionId(PackagedService.json(refreshed).get("access_token")))
                .isEqualTo(PackagedService.sessionId(tokens.get("access_token")));
        // the JSON door refuses a client's refresh token
        assertThat(deployment.service().post("/auth/refresh", Map.of("refresh_token",
                PackagedService.json(refreshed).get("refresh_token"))).statusCode()).isEqualTo(401);
        assertThat(deployment.sql("select client_id from sessions where id = '"
                + PackagedService.sessionId(tokens.get("access_token")) + "'")).isEqualTo("it-app");
    }

    @Test
    void aClientSignsItsWayInWithItsKey() throws Exception {
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("it-key").build(),
                new JWTClaimsSet.Builder().issuer("it-keys").subject("it-keys")
                        .audience(PackagedService.json(deployment.service().get("/.well-known/openid-configuration", null))
                                .get("token_endpoint").toString())
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).jwtID(UUID.randomUUID().toString())
                        .build());
        assertion.sign(new RSASSASigner(CLIENT_KEY));
        Map<String, String> fields = Map.of("grant_type", "client_credentials", "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion.serialize());

        HttpResponse<String> answer = form("/oauth/token", fields, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(form("/oauth/token", fields, null).statusCode()).as("a replayed assertion").isEqualTo(401);
    }
}
