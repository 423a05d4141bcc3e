package dev.keyturn.oauth;

import static dev.keyturn.support.Api.adminToken;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.OAuthClients;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** private_key_jwt (RFC 7523 section 2.2): a client proves itself with a JWT signed by a key it registered. */
@QuarkusTest
class ClientAssertionTest {

    private static final String TOKEN_ENDPOINT = "http://localhost:8080/oauth/token";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    RSAKey key;
    String clientId;

    @BeforeEach
    void aClientWithARegisteredKey() throws JOSEException {
        key = new RSAKeyGenerator(2048).keyID("client-key-1").generate();
        clientId = OAuthClients.registered(adminToken(), Map.of("type", "confidential",
                "grant_types", List.of("client_credentials"), "scopes", List.of("reports.read"),
                "jwks", new JWKSet(key.toPublicJWK()).toJSONObject())).clientId();
        assertThat(Db.count("select count(*) from oauth_client_secrets where client_id = ?", clientId))
                .as("a client registered with keys authenticates with them, not with a secret").isZero();
    }

    private String assertion(RSAKey signer, String issuer, String audience, Instant expiresAt, String jti)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(issuer).subject(issuer).audience(audience)
                        .expirationTime(Date.from(expiresAt)).issueTime(new Date()).jwtID(jti).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private String assertion() throws JOSEException {
        return assertion(key, clientId, TOKEN_ENDPOINT, Instant.now().plusSeconds(60), UUID.randomUUID().toString());
    }

    private static Response present(String assertion) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", JWT_BEARER).formParam("client_assertion", assertion)
                .post("/oauth/token");
    }

    private static void refused(Response response) {
        response.then().statusCode(401).contentType(ContentType.JSON).body("error", equalTo("invalid_client"));
    }

    @Test
    void aSignedAssertionAuthenticatesTheClientOnce() throws JOSEException {
        String assertion = assertion();

        String access = present(assertion).then().statusCode(200).body("scope", equalTo("reports.read"))
                .extract().path("access_token");
        assertThat(Jwts.claims(access).get("client_id")).isEqualTo(clientId);

        // the same assertion again: a replay
        refused(present(assertion));
        // the issuer as audience is accepted as well (RFC 7523 section 3)
        present(assertion(key, clientId, "http://localhost:8080", Instant.now().plusSeconds(60),
                UUID.randomUUID().toString())).then().statusCode(200);
    }

    @Test
    void anAssertionThatDoesNotHoldIsRefused() throws JOSEException {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("client-key-1").generate();
        refused(present(assertion(stranger, clientId, TOKEN_ENDPOINT, Instant.now().plusSeconds(60), "a")));
        refused(present(assertion(key, clientId, "https://elsewhere.example/token", Instant.now().plusSeconds(60), "b")));
        refused(present(assertion(key, clientId, TOKEN_ENDPOINT, Instant.now().minusSeconds(120), "c")));
        // valid for longer than an assertion should be
        refused(present(assertion(key, clientId, TOKEN_ENDPOINT, Instant.now().plusSeconds(3600), "d")));
        // the client_id field must name the assertion's client
        given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .formParam("client_id", "someone-else").formParam("client_assertion_type", JWT_BEARER)
                .formParam("client_assertion", assertion()).post("/oauth/token").then().statusCode(401);
        // a wrong assertion type
        given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", "urn:example:other").formParam("client_assertion", assertion())
                .post("/oauth/token").then().statusCode(401).body("error", equalTo("invalid_client"));
        refused(present("not.a.jwt"));
    }

    @Test
    void parallelReplaysOfOneAssertionGetOneToken() throws JOSEException {
        String assertion = assertion();
        List<Response> answers = dev.keyturn.support.Burst.times(20, i -> present(assertion));
        assertThat(answers.stream().filter(r -> r.statusCode() == 200).count()).isEqualTo(1);
        assertThat(answers.stream().filter(r -> r.statusCode() == 401).count()).isEqualTo(19);
    }
}
