package dev.keyturn.token;


import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The one place that decides whether an access token is accepted, plugged into SmallRye JWT in place of
 * its default parser so that {@code @Authenticated}/{@code @RolesAllowed} routes use exactly these rules:
 * <ul>
 * <li>signature by a key of the {@link KeyRing}, found by {@code kid} only, with that key's algorithm
 * ({@code none}, HMAC and any other algorithm fail);</li>
 * <li>{@code jku}, {@code x5u}, {@code jwk} and {@code x5c} headers make the token invalid rather than
 * being followed;</li>
 * <li>{@code typ} must be the configured access-token type ({@link AccessTokenType}), so a refresh token
 * ({@code rt+jwt}) is never an access token;</li>
 * <li>{@code iss}, {@code aud}, {@code exp}, {@code iat} (not in the future), {@code nbf}, with the
 * configured clock skew (30 s at most);</li>
 * <li>its session must not be revoked ({@link RevokedSessions}, in memory), checked on every request.</li>
 * </ul>
 * A token that passed is remembered for a while ({@link VerifiedAccessTokens}), so that its signature is not
 * checked again on every request.
 * {@code roles} become the caller's groups.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class AccessTokenParser implements JWTParser {

    private static final List<String> FORBIDDEN_HEADERS = List.of("jku", "x5u", "jwk", "x5c");

    /** The longest a registered client's own access token may live (oauth/clients/ClientRequest). */
    public static final java.time.Duration MAX_CLIENT_TOKEN_LIFETIME = java.time.Duration.ofDays(1);

    private final JwtConsumer consumer;
    private final JwtConsumer anyIssued;
    private final RevokedSessions revokedSessions;
    private final VerifiedAccessTokens verified;
    private final String type;

    public AccessTokenParser(KeyRing keys, TokenConfig config, RevokedSessions revokedSessions) {
        this.revokedSessions = revokedSessions;
        this.type = config.accessTokenType().header();
        int skew = (int) Math.min(30, config.clockSkew().toSeconds());
        int maxAge = (int) (config.accessTokenLifetime().toSeconds() + skew);
        this.verified = new VerifiedAccessTokens(config.verifiedTokenCacheSize(), skew, maxAge,
                () -> System.currentTimeMillis() / 1000);
        VerificationKeyResolver resolver = (JsonWebSignature jws, List<JsonWebStructure> nesting) -> {
            for (String header : FORBIDDEN_HEADERS) {
                if (jws.getHeaders().getObjectHeaderValue(header) != null) {
                    throw new UnresolvableKeyException("the token names its own key (" + header + ")");
                }
            }
            KeyRing.VerificationKey key = keys.verificationKey(jws.getKeyIdHeaderValue())
                    .orElseThrow(() -> new UnresolvableKeyException("unknown kid"));
            if (!key.algorithm().getAlgorithm().equals(jws.getAlgorithmHeaderValue())) {
                throw new UnresolvableKeyException("algorithm does not match the key");
            }
            return key.key();
        };
        this.consumer = IssuedTokenRules.consumer(config, skew, maxAge, type)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(resolver)
                .build();
        this.anyIssued = IssuedTokenRules.anyAudience(config, skew, MAX_CLIENT_TOKEN_LIFETIME.toSeconds() + skew, type)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(resolver)
                .build();
    }

    /**
     * Any access token this service signed and that has not expired, for any audience, with or without a session
     * ({@code client_credentials}): for introspection, which then asks the database whether it is still active. The
     * routes that serve a token's bearer use {@link #parse} and its stricter rules.
     *
     * @return its claims, or {@code null} when it is not one
     */
    public JwtClaims verifyIssuedOrNull(String token) {
        if (token == null || token.length() > 8192) {
            return null;
        }
        try {
            return anyIssued.processToClaims(token);
        } catch (InvalidJwtException e) {
            return null;
        }
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (token == null || token.length() > 8192) {
            throw new ParseException("no usable token");
        }
        VerifiedAccessTokens.Verified accepted = verified.find(token);
        if (accepted == null) {
            accepted = verify(token);
        }
        if (revokedSessions.isRevoked(accepted.sessionId())) {
            throw new ParseException("the session of this access token has ended");
        }
        return accepted.token();
    }

    private VerifiedAccessTokens.Verified verify(String token) throws ParseException {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String sessionId = claims.getStringClaimValue("sid");
            if (sessionId == null) {
                throw new ParseException("an access token without a session");
            }
            claims.setClaim("groups", claims.getStringListClaimValue("roles"));
            VerifiedAccessTokens.Verified accepted = new VerifiedAccessTokens.Verified(
                    new DefaultJWTCallerPrincipal(token, type, claims), sessionId);
            verified.remember(token, accepted, claims.getExpirationTime().getValue(), claims.getIssuedAt().getValue());
            return accepted;
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new ParseException("invalid access token");
        }
    }

    /** @return the verified token, or {@code null} when it is not a valid access token */
    public JsonWebToken parseOrNull(String token) {
        try {
            return parse(token);
        } catch (ParseException e) {
            return null;
        }
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parse(token);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        throw new ParseException("access tokens are verified with the key ring only");
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        throw new ParseException("access tokens are never verified with a secret key");
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        throw new ParseException("access tokens are never verified with a secret");
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        throw new ParseException("access tokens are not encrypted");
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        throw new ParseException("access tokens are not encrypted");
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        throw new ParseException("access tokens are not encrypted");
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        throw new ParseException("access tokens are never read without verification");
    }
}
