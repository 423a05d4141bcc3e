package dev.keyturn.token;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.RemoteVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;

/**
 * Access tokens verify with standard libraries that know only the JWKS URL, the issuer and the audience (default
 * configuration: RS256). {@link KeyRotationTest} does the same for ES256 and for a rotated key.
 */
@QuarkusTest
class InteropTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "keyturn.tokens.issuer")
    String issuer;

    @ConfigProperty(name = "keyturn.tokens.audience")
    String audience;

    @Test
    void nimbusVerifiesAnAccessTokenThroughTheJwks() throws Exception {
        Api.Account account = newAccount();
        String token = login(account).accessToken();

        JWTClaimsSet claims = new RemoteVerifier(port, issuer, audience).verify(token);

        assertThat(claims.getSubject()).isEqualTo(account.id());
        assertThat(claims.getIssuer()).isEqualTo(issuer);
        assertThat(claims.getAudience()).containsExactly(audience);
        assertThat(claims.getStringListClaim("roles")).containsExactly("user");
        assertThat(Jwts.header(token)).containsEntry("alg", "RS256").containsEntry("typ", "JWT");
        // an RFC 9068-strict validator wants at+jwt, which KEYTURN_ACCESS_TOKEN_TYP selects (Rfc9068TypeTest)
        assertThatThrownBy(() -> RemoteVerifier.rfc9068(port, issuer, audience).verify(token)).hasMessageContaining("typ");
    }

    @Test
    void theJwksListsPublicKeysOnlyNamedByTheirRfc7638Thumbprint() throws Exception {
        String body = given().get("/.well-known/jwks.json").then().statusCode(200)
                .header("Cache-Control", containsString("max-age=300"))
                .extract().asString();
        JWKSet jwks = JWKSet.parse(body);
        assertThat(jwks.getKeys()).hasSize(1);
        JWK key = jwks.getKeys().get(0);
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        assertThat(key.getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(key.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(body).doesNotContain("\"d\"", "\"p\"", "\"q\"");

        String token = login(newAccount()).accessToken();
        assertThat(Jwts.header(token).get("kid")).isEqualTo(key.getKeyID());
    }

    @Test
    void smallryeJwtAsAResourceServerAcceptsTheAtJwtType() throws Exception {
        // What a Quarkus service with quarkus-smallrye-jwt does with the configuration docs/api.md gives
        // (mp.jwt.verify.publickey.location = the JWKS URL, issuer, audience, smallrye.jwt.path.groups=roles).
        String token = login(newAccount()).accessToken();
        JWTAuthContextInfo context = new JWTAuthContextInfo(RemoteVerifier.jwksUrl(port).toString(), issuer);
        context.setExpectedAudience(Set.of(audience));
        context.setGroupsPath("roles");
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));

        JsonWebToken jwt = new DefaultJWTParser(context).parse(token);

        assertThat(jwt.getGroups()).containsExactly("user");
        assertThat((String) jwt.getClaim("sid")).isNotBlank();
    }

    @Test
    void aRefreshTokenDoesNotVerifyAsAnAccessToken() {
        String refreshToken = login(newAccount()).refreshToken();
        assertThat(Jwts.header(refreshToken)).containsEntry("typ", "rt+jwt").doesNotContainKey("kid");
        assertThatThrownBy(() -> new RemoteVerifier(port, issuer, audience).verify(refreshToken))
                .isInstanceOf(Exception.class);
    }

    @Test
    void aTokenForAnotherAudienceOrIssuerDoesNotVerify() {
        String token = login(newAccount()).accessToken();
        assertThatThrownBy(() -> new RemoteVerifier(port, issuer, "another-service").verify(token))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> new RemoteVerifier(port, "https://elsewhere.example", audience).verify(token))
                .isInstanceOf(Exception.class);
    }
}
