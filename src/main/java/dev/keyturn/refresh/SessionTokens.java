package dev.keyturn.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.AccessTokenIssuer;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.token.TokenSubject;

/** Issues a session's tokens: the stored row of a new refresh token, and the signed pair that a client receives. */
@ApplicationScoped
public class SessionTokens {

    private final AccessTokenIssuer accessTokens;
    private final RefreshTokens refreshTokens;
    private final TokenConfig config;

    public SessionTokens(AccessTokenIssuer accessTokens, RefreshTokens refreshTokens, TokenConfig config) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.config = config;
    }

    /** A random identity for the first token of a new session; its descendants derive theirs from it. */
    public String firstId() {
        return refreshTokens.newId();
    }

    /** The row of a new refresh token, by its identity's hash; it never outlives its session. */
    public RefreshToken newToken(UserSession session, UUID parentId, String jti, Instant now) {
        RefreshToken token = new RefreshToken();
        token.id = UUID.randomUUID();
        token.sessionId = session.id;
        token.parentId = parentId;
        token.tokenHash = RefreshTokens.hash(jti);
        token.issuedAt = now;
        Instant slidingExpiry = now.plus(config.refreshTokenLifetime());
        token.expiresAt = slidingExpiry.isBefore(session.expiresAt) ? slidingExpiry : session.expiresAt;
        return token;
    }

    /**
     * A new access token and the signed refresh token that {@code refresh} describes.
     *
     * @param lifetimeFrom the instant from which {@code refresh_expires_in} is counted
     */
    public TokenResponse tokens(TokenSubject subject, RefreshTokens.Claims refresh, Instant now, Instant lifetimeFrom) {
        AccessTokenIssuer.AccessToken access = accessTokens.issue(subject, refresh.sessionId(), now);
        long refreshExpiresIn = Math.max(0, Duration.between(lifetimeFrom, refresh.expiresAt()).toSeconds());
        return new TokenResponse(access.token(), "Bearer", access.expiresIn(), refreshTokens.sign(refresh),
                refreshExpiresIn);
    }

    /** {@link #tokens(TokenSubject, RefreshTokens.Claims, Instant, Instant)} for a stored token of a session. */
    public TokenResponse tokens(TokenSubject subject, UserSession session, String jti, RefreshToken token, Instant now) {
        return tokens(subject, new RefreshTokens.Claims(subject.userId(), session.id, jti, token.issuedAt, token.expiresAt),
                now, now);
    }
}
