package dev.keyturn.refresh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;

import dev.keyturn.token.IssuedTokenRules;
import dev.keyturn.token.KeyRing;
import dev.keyturn.token.TokenConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Refresh tokens: JWTs of their own type ({@code rt+jwt}) signed with HS256 under a secret only this
 * service knows, so that neither kind of token is accepted where the other is expected.
 * <p>
 * A child's identity is an HMAC of its parent's, and its times are kept in the database: the same child
 * can therefore be signed again, byte for byte, for every presenter of the parent within the grace window,
 * without ever storing a token.
 */
@ApplicationScoped
public class RefreshTokens {

    public static final String TYPE = "rt+jwt";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int ID_BYTES = 16;

    private final KeyRing keys;
    private final TokenConfig config;
    private final JwtConsumer consumer;
    private final SecureRandom random = new SecureRandom();

    public RefreshTokens(KeyRing keys, TokenConfig config) {
        this.keys = keys;
        this.config = config;
        int skew = (int) config.clockSkew().toSeconds();
        // A refresh token's iat is the rotation's; the session's lifetime bounds how old any of them can be.
        this.consumer = IssuedTokenRules.consumer(config, skew, config.sessionLifetime().toSeconds() + skew, TYPE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setVerificationKey(keys.refreshTokenKey())
                .build();
    }

    /** What a verified refresh token says. {@code jti} is the token's identity. */
    public record Claims(UUID userId, UUID sessionId, String jti, Instant issuedAt, Instant expiresAt) {
    }

    public String newId() {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        return BASE64URL.encodeToString(id);
    }

    public String childId(String parentId) {
        byte[] mac = keys.childId(parentId.getBytes(StandardCharsets.US_ASCII));
        return BASE64URL.encodeToString(java.util.Arrays.copyOf(mac, ID_BYTES));
    }

    /** The only form in which a refresh token's identity is stored. */
    public static byte[] hash(String jti) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(jti.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs a refresh token; equal claims give an identical token. */
    public String sign(Claims claims) {
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(claims.userId().toString())
                .claim("sid", claims.sessionId().toString())
                .claim("jti", claims.jti())
                .issuedAt(claims.issuedAt().getEpochSecond())
                .expiresAt(claims.expiresAt().getEpochSecond())
                .jws()
                .header("typ", TYPE)
                .algorithm(SignatureAlgorithm.HS256)
                .sign(keys.refreshTokenKey());
    }

    /** @return the claims of a genuine, unexpired refresh token, or {@code null} for anything else */
    public Claims verify(String token) {
        if (token == null || token.isBlank() || token.length() > 4096) {
            return null;
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new Claims(UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.getStringClaimValue("sid")),
                    claims.getJwtId(),
                    Instant.ofEpochSecond(claims.getIssuedAt().getValue()),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
