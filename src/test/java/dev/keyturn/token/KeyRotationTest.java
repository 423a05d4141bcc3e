package dev.keyturn.token;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.KnownKeys;
import dev.keyturn.support.KnownKeysProfile;
import dev.keyturn.support.RemoteVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;

/**
 * docs/operations.md "Key rotation", and ES256 as a configuration choice: the application signs with a new ES256 key and still
 * trusts the RS256 key it replaced (KEYTURN_PREVIOUS_VERIFICATION_KEYS), so tokens signed before the switch keep
 * working until they expire, here and at every resource server that reads the JWKS.
 */
@QuarkusTest
@TestProfile(KnownKeysProfile.class)
class KeyRotationTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "keyturn.tokens.issuer")
    String issuer;

    @ConfigProperty(name = "keyturn.tokens.audience")
    String audience;

    @Test
    void theJwksListsTheCurrentKeyFirstThenThePreviousOne() {
        List<Map<String, Object>> keys = given().get("/.well-known/jwks.json").then().statusCode(200)
                .extract().path("keys");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).containsEntry("kid", KnownKeys.currentKey().getKeyID())
                .containsEntry("alg", "ES256").containsEntry("kty", "EC").containsEntry("crv", "P-256")
                .containsEntry("use", "sig").doesNotContainKey("d");
        assertThat(keys.get(1)).containsEntry("kid", KnownKeys.previousKey().getKeyID())
                .containsEntry("alg", "RS256").containsEntry("kty", "RSA")
                .containsEntry("use", "sig").doesNotContainKey("d");
    }

    @Test
    void newTokensAreEs256SignedWithTheCurrentKeyAndVerifyThroughTheJwks() throws Exception {
        Api.Account account = newAccount();
        String token = login(account).accessToken();

        assertThat(Jwts.header(token)).containsEntry("alg", "ES256").containsEntry("typ", "JWT")
                .containsEntry("kid", KnownKeys.currentKey().getKeyID());
        JWTClaimsSet claims = new RemoteVerifier(port, issuer, audience).verify(token);
        assertThat(claims.getSubject()).isEqualTo(account.id());
        me(token).then().statusCode(200).body("id", equalTo(account.id()));
    }

    @Test
    void aTokenSignedWithThePreviousKeyIsStillAccepted() throws Exception {
        Api.Account account = newAccount();
        Map<String, Object> live = Jwts.claims(login(account).accessToken());
        String token = sign(KnownKeys.previousKey(), claims(live, Instant.now()));

        me(token).then().statusCode(200).body("id", equalTo(account.id()));
        assertThat(new RemoteVerifier(port, issuer, audience).verify(token).getSubject()).isEqualTo(account.id());
    }

    @Test
    void aTokenWhoseKidIsUnknownIsRejected() throws Exception {
        Map<String, Object> live = Jwts.claims(login(newAccount()).accessToken());
        RSAKey stranger = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        me(sign(stranger, claims(live, Instant.now()))).then().statusCode(401)
                .body("code", equalTo("invalid_token"))
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));

        // a stranger's key under the previous key's kid: the signature does not verify
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(KnownKeys.previousKey().getKeyID()).generate();
        me(sign(impostor, claims(live, Instant.now()))).then().statusCode(401);
    }

    @Test
    void smallryeJwtAcceptsTokensOfBothKeysWhenBothAlgorithmsAreAllowed() throws Exception {
        Map<String, Object> live = Jwts.claims(login(newAccount()).accessToken());
        JWTAuthContextInfo context = new JWTAuthContextInfo(RemoteVerifier.jwksUrl(port).toString(), issuer);
        context.setExpectedAudience(Set.of(audience));
        context.setGroupsPath("roles");
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256, SignatureAlgorithm.RS256));
        DefaultJWTParser parser = new DefaultJWTParser(context);

        JsonWebToken current = parser.parse(login(newAccount()).accessToken());
        JsonWebToken previous = parser.parse(sign(KnownKeys.previousKey(), claims(live, Instant.now())));

        assertThat(current.getGroups()).containsExactly("user");
        assertThat(previous.getGroups()).containsExactly("user");
    }

    @Test
    void discoveryListsBothAlgorithmsCurrentFirst() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("id_token_signing_alg_values_supported", equalTo(List.of("ES256", "RS256")));
    }

    /** The claims of a live access token (its user and session), issued at {@code issuedAt} for five minutes. */
    static JWTClaimsSet claims(Map<String, Object> live, Instant issuedAt) {
        return new JWTClaimsSet.Builder()
                .issuer((String) live.get("iss"))
                .audience((String) live.get("aud"))
                .subject((String) live.get("sub"))
                .claim("sid", live.get("sid"))
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plusSeconds(300)))
                .claim("roles", live.get("roles"))
                .claim("preferred_username", live.get("preferred_username"))
                .claim("email", live.get("email"))
                .claim("email_verified", live.get("email_verified"))
                .build();
    }

    /** Signs an access token (RS256, {@code typ: JWT}) with the given key, under that key's id. */
    static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
