package dev.keyturn.token;

import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * The claims every token Keyturn issues must carry to be accepted, access and refresh tokens alike: expiry, issue
 * time no older than the token can live, subject, id, our issuer and audience, and its own {@code typ}. Written
 * once, so that the two kinds of token cannot drift apart on what they require; each adds its algorithm and key.
 */
public final class IssuedTokenRules {

    private IssuedTokenRules() {
    }

    public static JwtConsumerBuilder consumer(TokenConfig config, int skewSeconds, long maxAgeSeconds, String type) {
        return rules(config, skewSeconds, maxAgeSeconds, type).setExpectedAudience(config.audience());
    }

    /**
     * The same rules for a token of any audience: registered clients' access tokens name their own, and introspection
     * (RFC 7662) answers for those too. Never for a route that serves the token's bearer.
     */
    public static JwtConsumerBuilder anyAudience(TokenConfig config, int skewSeconds, long maxAgeSeconds, String type) {
        return rules(config, skewSeconds, maxAgeSeconds, type).setSkipDefaultAudienceValidation();
    }

    /** All but the audience: jose4j's skip of the audience check would also skip an expected audience set later. */
    private static JwtConsumerBuilder rules(TokenConfig config, int skewSeconds, long maxAgeSeconds, String type) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(skewSeconds)
                .setIssuedAtRestrictions(skewSeconds, (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds))
                .setExpectedIssuer(config.issuer())
                .setExpectedType(true, type);
    }
}
