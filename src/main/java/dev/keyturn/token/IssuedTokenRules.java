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
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(skewSeconds)
                .setIssuedAtRestrictions(skewSeconds, (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds))
                .setExpectedIssuer(config.issuer())
                .setExpectedAudience(config.audience())
                .setExpectedType(true, type);
    }
}
