package dev.keyturn.oauth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;

import dev.keyturn.oauth.clients.ClientDirectory;
import dev.keyturn.oauth.clients.RegisteredClient;
import dev.keyturn.token.TokenConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code private_key_jwt} (RFC 7523 section 3, OpenID Connect Core section 9): a JWT that the client signed with a key
 * of its registered JWK Set, {@code iss} and {@code sub} its {@code client_id}, {@code aud} this token endpoint (or the
 * issuer), a near {@code exp} and a {@code jti} that is good for one request: a replayed assertion is refused, on
 * every replica, through the {@code oauth_client_assertions} table.
 */
@ApplicationScoped
public class ClientAssertions {

    /** An assertion is for one request: none may live longer than this. */
    static final int MAX_LIFETIME_MINUTES = 10;
    private static final String WRONG = "The client assertion is not valid.";
    private static final String REMEMBER = """
            INSERT INTO oauth_client_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING
            """;

    /** What an assertion may be signed with; discovery lists the same (token_endpoint_auth_signing_alg_values_supported). */
    static final List<String> ALGORITHMS = List.of(AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);

    private final ClientDirectory directory;
    private final Pool pool;
    private final String issuer;
    private final String tokenEndpoint;
    private final int skewSeconds;
    private final JwtConsumer unverified;

    public ClientAssertions(ClientDirectory directory, Pool pool, TokenConfig config) {
        this.directory = directory;
        this.pool = pool;
        this.issuer = config.issuer();
        this.tokenEndpoint = DiscoveryResource.base(config) + "/oauth/token";
        this.skewSeconds = (int) Math.min(30, config.clockSkew().toSeconds());
        // Only to learn which client the assertion claims to be; nothing is trusted before the signature is checked.
        this.unverified = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                .setSkipSignatureVerification().build();
    }

    Uni<RegisteredClient> verify(String assertion, String claimedClientId) {
        String clientId = issuerOf(assertion);
        if (clientId == null || (claimedClientId != null && !claimedClientId.equals(clientId))) {
            return Uni.createFrom().failure(OAuthError.invalidClient(WRONG));
        }
        return directory.find(clientId).chain(client -> {
            if (client == null || !client.enabled() || !client.isConfidential() || client.jwks() == null) {
                throw OAuthError.invalidClient(WRONG);
            }
            JwtClaims claims = verified(assertion, client);
            String jti;
            Instant expiresAt;
            try {
                jti = claims.getJwtId();
                expiresAt = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
            } catch (MalformedClaimException e) {
                throw OAuthError.invalidClient(WRONG);
            }
            return pool.preparedQuery(REMEMBER).execute(Tuple.of(clientId, jti, expiresAt.atOffset(ZoneOffset.UTC)))
                    .map(rows -> {
                        if (rows.rowCount() == 0) {
                            throw OAuthError.invalidClient("This client assertion was used before.");
                        }
                        return client;
                    });
        });
    }

    private String issuerOf(String assertion) {
        try {
            JwtContext context = unverified.process(assertion);
            return context.getJwtClaims().getIssuer();
        } catch (InvalidJwtException | MalformedClaimException e) {
            return null;
        }
    }

    private JwtClaims verified(String assertion, RegisteredClient client) {
        try {
            JsonWebKeySet keys = new JsonWebKeySet(client.jwks());
            JwtConsumer consumer = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            ALGORITHMS.toArray(String[]::new))
                    .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.getJsonWebKeys()))
                    .setExpectedIssuer(client.clientId())
                    .setExpectedSubject(client.clientId())
                    .setExpectedAudience(tokenEndpoint, issuer)
                    .setRequireExpirationTime()
                    .setMaxFutureValidityInMinutes(MAX_LIFETIME_MINUTES)
                    .setRequireJwtId()
                    .setAllowedClockSkewInSeconds(skewSeconds)
                    .build();
            return consumer.processToClaims(assertion);
        } catch (InvalidJwtException | JoseException e) {
            throw OAuthError.invalidClient(WRONG);
        }
    }
}
