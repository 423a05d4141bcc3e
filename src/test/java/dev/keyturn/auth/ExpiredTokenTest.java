package dev.keyturn.auth;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static dev.keyturn.support.OAuthApi.introspect;
import static dev.keyturn.support.OAuthApi.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.support.KnownKeys;
import dev.keyturn.support.KnownKeysProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Expired tokens at the RFC 7009 and RFC 7662 endpoints. With keys the test knows, it re-signs a live token's exact
 * claims with {@code exp} in the past (beyond the 30 s clock skew): the only thing wrong with it is its age.
 */
@QuarkusTest
@TestProfile(KnownKeysProfile.class)
class ExpiredTokenTest {

    private static final Instant AN_HOUR_AGO = Instant.now().minusSeconds(3600);

    @Test
    void anExpiredAccessTokenIsInactiveAndRevokesNothing() throws Exception {
        Api.Tokens tokens = login(newAccount());
        String expired = expiredAccessToken(tokens.accessToken());
        me(expired).then().statusCode(401);

        assertThat(introspect(expired).then().statusCode(200).extract().<Boolean> path("active")).isFalse();
        revoke(expired, "access_token").then().statusCode(200);

        assertThat(Db.single("select revoked_at from sessions where id = ?::uuid", Jwts.claims(expired).get("sid"))).isNull();
        me(tokens.accessToken()).then().statusCode(200);
    }

    @Test
    void anExpiredRefreshTokenIsInactiveEvenIfItIsTheCurrentOne() throws Exception {
        Api.Tokens tokens = login(newAccount());
        String expired = expiredRefreshToken(tokens.refreshToken());

        assertThat(introspect(expired).then().statusCode(200).extract().<Boolean> path("active")).isFalse();
        refresh(expired).then().statusCode(401);
        revoke(expired, "refresh_token").then().statusCode(200);

        // nothing was revoked: the unexpired original still rotates
        refresh(tokens.refreshToken()).then().statusCode(200);
    }

    private static String expiredAccessToken(String live) throws Exception {
        Map<String, Object> claims = Jwts.claims(live);
        JWTClaimsSet.Builder expired = copy(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(KnownKeys.currentKey().getKeyID())
                .build(), expired.build());
        jwt.sign(new ECDSASigner(KnownKeys.currentKey()));
        return jwt.serialize();
    }

    private static String expiredRefreshToken(String live) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("rt+jwt"))
                .build(), copy(Jwts.claims(live)).build());
        jwt.sign(new MACSigner(KnownKeys.refreshTokenSecretBytes()));
        return jwt.serialize();
    }

    /** The same claims, expired an hour ago (and so, necessarily, issued before that). */
    private static JWTClaimsSet.Builder copy(Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        return builder.issueTime(Date.from(AN_HOUR_AGO.minusSeconds(3600)))
                .expirationTime(Date.from(AN_HOUR_AGO))
                .jwtID((String) claims.get("jti"));
    }
}
