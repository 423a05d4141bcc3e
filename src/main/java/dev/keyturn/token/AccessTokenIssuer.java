package dev.keyturn.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

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

    /**
     * A user's access token in one of their sessions, for the client it is issued to, saying how and when the user
     * authenticated ({@code amr}, {@code acr}, {@code auth_time}).
     */
    public AccessToken issue(TokenSubject subject, UUID sessionId, Authentication authentication, IssuedFor issuedFor,
            Instant now) {
        long issuedAt = now.getEpochSecond();
        long lifetime = issuedFor.accessTokenLifetime().toSeconds();
        JwtClaimsBuilder claims = Jwt.issuer(config.issuer())
                .claim("aud", audienceValue(issuedFor))
                .subject(subject.userId().toString())
                .issuedAt(issuedAt)
                .expiresAt(issuedAt + lifetime)
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", sessionId.toString())
                .claim("roles", subject.roles())
                .claim("preferred_username", subject.username())
                .claim("email", subject.email())
                .claim("email_verified", subject.emailVerified())
                .claim("amr", authentication.methods())
                .claim("acr", authentication.acr())
                .claim("auth_time", authentication.time().getEpochSecond());
        return new AccessToken(sign(withClient(claims, issuedFor)), lifetime);
    }

    /**
     * A client's own access token ({@code client_credentials}): {@code sub} is the client, and there is no session,
     * so no {@code sid} and no refresh token; it lives until its {@code exp}.
     */
    public AccessToken issueForClient(IssuedFor issuedFor, Instant now) {
        long issuedAt = now.getEpochSecond();
        long lifetime = issuedFor.accessTokenLifetime().toSeconds();
        JwtClaimsBuilder claims = Jwt.issuer(config.issuer())
                .claim("aud", audienceValue(issuedFor))
                .subject(issuedFor.clientId())
                .issuedAt(issuedAt)
                .expiresAt(issuedAt + lifetime)
                .claim("jti", UUID.randomUUID().toString());
        return new AccessToken(sign(withClient(claims, issuedFor)), lifetime);
    }

    /** One audience is a string, as in every token before clients had their own; several are an array. */
    private static Object audienceValue(IssuedFor issuedFor) {
        return issuedFor.audience().size() == 1 ? issuedFor.audience().get(0) : issuedFor.audience();
    }

    private static JwtClaimsBuilder withClient(JwtClaimsBuilder claims, IssuedFor issuedFor) {
        if (issuedFor.clientId() != null) {
            claims.claim("client_id", issuedFor.clientId());
        }
        if (issuedFor.scope() != null && !issuedFor.scope().isEmpty()) {
            claims.claim("scope", issuedFor.scope());
        }
        return claims;
    }

    private String sign(JwtClaimsBuilder claims) {
        KeyRing.SigningKey key = keys.signing();
        return claims.jws()
                .header("typ", config.accessTokenType().header())
                .keyId(key.kid())
                .algorithm(key.algorithm())
                .sign(key.key());
    }
}
