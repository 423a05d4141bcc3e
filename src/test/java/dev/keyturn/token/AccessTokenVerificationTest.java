package dev.keyturn.token;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Attack family: forgery. docs/api.md "Tokens": what verification accepts, and every forged access token it must
 * refuse with 401 (confusion between kinds of token: security/ConfusionTest).
 */
@QuarkusTest
class AccessTokenVerificationTest {

    @Inject
    KeyRing keys;

    @Inject
    TokenConfig config;

    Api.Tokens tokens;
    Map<String, Object> claims;

    @BeforeEach
    void logIn() {
        tokens = login(newAccount());
        claims = Jwts.claims(tokens.accessToken());
    }

    /** Accepted tokens are remembered (VerifiedAccessTokens): what was accepted once must not outlive its session. */
    @Test
    void aTokenAcceptedBeforeItsSessionEndedIsRefusedAtOnceAfterwards() {
        me(tokens.accessToken()).then().statusCode(200);
        me(tokens.accessToken()).then().statusCode(200);

        Api.logout(Map.of("refresh_token", tokens.refreshToken())).then().statusCode(204);

        me(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
    }

    /** Only the exact text of an accepted token is remembered: one changed character is verified, and refused. */
    @Test
    void aTokenOneCharacterAwayFromAnAcceptedOneIsRefused() {
        String genuine = tokens.accessToken();
        me(genuine).then().statusCode(200);
        int last = genuine.length() - 2;
        String altered = genuine.substring(0, last) + (genuine.charAt(last) == 'A' ? 'B' : 'A') + genuine.substring(last + 1);

        me(altered).then().statusCode(401).body("code", equalTo("invalid_token"));
        me(genuine).then().statusCode(200);
    }

    @Test
    void aGenuineTokenCarriesTheContractsHeaderAndClaims() {
        me(tokens.accessToken()).then().statusCode(200);
        Map<String, Object> header = Jwts.header(tokens.accessToken());
        org.assertj.core.api.Assertions.assertThat(header).containsEntry("typ", "JWT").containsEntry("alg", "RS256")
                .containsEntry("kid", keys.signing().kid());
        org.assertj.core.api.Assertions.assertThat(claims).containsKeys("iss", "aud", "sub", "exp", "iat", "jti", "sid",
                "roles", "preferred_username", "email", "email_verified");
        org.assertj.core.api.Assertions.assertThat(((Number) claims.get("exp")).longValue()
                - ((Number) claims.get("iat")).longValue()).isEqualTo(900);
    }

    @Test
    void aTamperedPayloadIsRejected() {
        String[] parts = tokens.accessToken().split("\\.");
        Map<String, Object> forged = new LinkedHashMap<>(claims);
        forged.put("roles", List.of("user", "admin"));
        rejected(parts[0] + "." + Jwts.encode(forged) + "." + parts[2]);
    }

    @Test
    void anExpiredTokenIsRejected() {
        long past = Instant.now().getEpochSecond() - 3600;
        rejected(signed(claimsWith(past - 900, past), Map.of()));
    }

    @Test
    void aTokenIssuedInTheFutureIsRejected() {
        long future = Instant.now().getEpochSecond() + 120;
        rejected(signed(claimsWith(future, future + 900), Map.of()));
    }

    @Test
    void aTokenNotYetValidBeyondTheLeewayIsRejected() {
        JwtClaimsBuilder builder = claimsWith(Instant.now().getEpochSecond(), Instant.now().getEpochSecond() + 900)
                .claim("nbf", Instant.now().getEpochSecond() + 120);
        rejected(signed(builder, Map.of()));
    }

    @Test
    void aTokenWithinTheLeewayIsAccepted() {
        long now = Instant.now().getEpochSecond();
        me(signed(claimsWith(now + 10, now + 900), Map.of())).then().statusCode(200);
    }

    @Test
    void wrongIssuerOrAudienceIsRejected() {
        long now = Instant.now().getEpochSecond();
        rejected(signed(claimsWith(now, now + 900).issuer("https://evil.example"), Map.of()));
        rejected(signed(claimsWith(now, now + 900).audience("someone-else"), Map.of()));
    }

    @Test
    void algNoneIsRejected() {
        Map<String, Object> header = Map.of("alg", "none", "typ", "JWT", "kid", keys.signing().kid());
        rejected(Jwts.encode(header) + "." + Jwts.encode(claims) + ".");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejected() throws Exception {
        Map<String, Object> header = Map.of("alg", "HS256", "typ", "JWT", "kid", keys.signing().kid());
        String signingInput = Jwts.encode(header) + "." + Jwts.encode(claims);
        for (byte[] secret : List.of(keys.verificationKeys().get(0).key().getEncoded(),
                pem(keys.verificationKeys().get(0).key().getEncoded()).getBytes(StandardCharsets.US_ASCII))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String signature = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            rejected(signingInput + "." + signature);
        }
    }

    @Test
    void anUnknownKidIsRejectedEvenWithAValidSignatureByAnotherKey() throws Exception {
        KeyPair other = KeyUtils.generateKeyPair(2048);
        long now = Instant.now().getEpochSecond();
        rejected(claimsWith(now, now + 900).jws().header("typ", "JWT").keyId("some-other-key").sign(other.getPrivate()));
        // and a foreign key under our kid
        rejected(claimsWith(now, now + 900).jws().header("typ", "JWT").keyId(keys.signing().kid()).sign(other.getPrivate()));
    }

    @Test
    void keysNamedInsideTheTokenAreNeverFollowed() {
        long now = Instant.now().getEpochSecond();
        for (String header : List.of("jku", "x5u")) {
            rejected(signed(claimsWith(now, now + 900), Map.of(header, "https://evil.example/keys")));
        }
        Map<String, Object> jwk = KeyRing.publicJwk(keys.verificationKeys().get(0));
        rejected(signed(claimsWith(now, now + 900), Map.of("jwk", jwk)));
    }

    @Test
    void aCriticalHeaderThatIsNotUnderstoodIsRejected() {
        long now = Instant.now().getEpochSecond();
        rejected(signed(claimsWith(now, now + 900), Map.of("crit", List.of("exp-policy"), "exp-policy", "lenient")));
    }

    @Test
    void anOversizedTokenIsRejectedUnread() {
        long now = Instant.now().getEpochSecond();
        String huge = signed(claimsWith(now, now + 900).claim("padding", "p".repeat(9000)), Map.of());
        rejected(huge);
    }

    @Test
    void aTokenWithoutTheConfiguredAccessTokenTypeIsRejected() throws Exception {
        long now = Instant.now().getEpochSecond();
        for (String type : List.of("at+jwt", "rt+jwt", "JOSE")) {
            rejected(claimsWith(now, now + 900).jws().header("typ", type).keyId(keys.signing().kid())
                    .algorithm(SignatureAlgorithm.RS256).sign(keys.signing().key()));
        }
        // no typ at all (the builder would add "JWT"): signed by hand over a live token's own claims
        String untyped = Jwts.encode(Map.of("alg", "RS256", "kid", keys.signing().kid())) + "." + Jwts.encode(claims);
        java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.signing().key());
        rsa.update(untyped.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        rejected(untyped + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign()));
    }

    @Test
    void aRefreshTokenIsNotAnAccessToken() {
        rejected(tokens.refreshToken());
    }

    @Test
    void missingOrMalformedAuthorizationIsRejected() {
        io.restassured.RestAssured.given().get("/users/me").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_token"));
        rejected("not.a.token");
        rejected("");
    }

    private JwtClaimsBuilder claimsWith(long issuedAt, long expiresAt) {
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject((String) claims.get("sub"))
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", claims.get("sid"))
                .claim("roles", List.of("user"))
                .claim("email", claims.get("email"))
                .claim("email_verified", false)
                .claim("preferred_username", claims.get("preferred_username"));
    }

    private String signed(JwtClaimsBuilder builder, Map<String, Object> extraHeaders) {
        var jws = builder.jws().header("typ", "JWT").keyId(keys.signing().kid()).algorithm(SignatureAlgorithm.RS256);
        extraHeaders.forEach(jws::header);
        return jws.sign(keys.signing().key());
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    private static void rejected(String token) {
        me(token).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .body("code", equalTo("invalid_token"));
    }
}
