package dev.keyturn.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.jwt.build.Jwt;

/** Signs access tokens with the current signing key, typed as configured ({@link AccessTokenType}). */
@ApplicationScoped
public class AccessTokenIssuer {

    private final KeyRing keys;
    private final TokenConfig config;

    public AccessTokenIssuer(KeyRing keys, TokenConfig config) {
        this.keys = keys;
        this.config = config;
    }

    public record AccessToken(String token, long expiresIn) {
    }

    public AccessToken issue(TokenSubject subject, UUID sessionId, Instant now) {
        KeyRing.SigningKey key = keys.signing();
        long issuedAt = now.getEpochSecond();
        long lifetime = config.accessTokenLifetime().toSeconds();
        String token = Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(subject.userId().toString())
                .issuedAt(issuedAt)
                .expiresAt(issuedAt + lifetime)
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", sessionId.toString())
                .claim("roles", subject.roles())
                .claim("preferred_username", subject.username())
                .claim("email", subject.email())
                .claim("email_verified", subject.emailVerified())
                .jws()
                .header("typ", config.accessTokenType().header())
                .keyId(key.kid())
                .algorithm(key.algorithm())
                .sign(key.key());
        return new AccessToken(token, lifetime);
    }
}
