package dev.keyturn.token;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.RemoteVerifier;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/** KEYTURN_ACCESS_TOKEN_TYP=at+jwt: access tokens are RFC 9068 typed, and only that type is accepted. */
@QuarkusTest
@TestProfile(Rfc9068TypeTest.AtJwt.class)
class Rfc9068TypeTest {

    public static class AtJwt implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyturn.tokens.access-token-type", "at+jwt");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "keyturn.tokens.issuer")
    String issuer;

    @ConfigProperty(name = "keyturn.tokens.audience")
    String audience;

    @Inject
    KeyRing keys;

    @Test
    void accessTokensAreTypedAtJwtAndAStrictResourceServerAcceptsThem() throws Exception {
        Api.Account account = newAccount();
        String token = login(account).accessToken();

        assertThat(Jwts.header(token)).containsEntry("typ", "at+jwt");
        assertThat(RemoteVerifier.rfc9068(port, issuer, audience).verify(token).getSubject()).isEqualTo(account.id());
        // a validator with the JWT-only default refuses them: the reason JWT is Keyturn's default
        assertThatThrownBy(() -> new RemoteVerifier(port, issuer, audience).verify(token)).hasMessageContaining("typ");
        Api.me(token).then().statusCode(200);
    }

    @Test
    void aTokenTypedPlainJwtIsRefusedInThisMode() {
        Map<String, Object> claims = Jwts.claims(login(newAccount()).accessToken());
        long now = Instant.now().getEpochSecond();
        String plain = Jwt.issuer(issuer).audience(audience).subject((String) claims.get("sub"))
                .issuedAt(now).expiresAt(now + 900).claim("jti", UUID.randomUUID().toString())
                .claim("sid", claims.get("sid")).claim("roles", List.of("user"))
                .jws().header("typ", "JWT").keyId(keys.signing().kid()).algorithm(SignatureAlgorithm.RS256)
                .sign(keys.signing().key());
        Api.me(plain).then().statusCode(401).body("code", equalTo("invalid_token"));
    }
}
