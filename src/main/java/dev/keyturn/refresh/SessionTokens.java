package dev.keyturn.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.AccessTokenIssuer;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenSubject;

/** Issues a session's tokens: the stored row of a new refresh token, and the signed pair that a client receives. */
@ApplicationScoped
public class SessionTokens {

    private final AccessTokenIssuer accessTokens;
    private final RefreshTokens refreshTokens;

    public SessionTokens(AccessTokenIssuer accessTokens, RefreshTokens refreshTokens) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
    }

    /** A random identity for the first token of a new session; its descendants derive theirs from it. */
    public String firstId() {
        return refreshTokens.newId();
    }

    /** The row of a new refresh token, by its identity's hash; it never outlives its session. */
    public RefreshToken newToken(UserSession session, UUID parentId, String jti, IssuedFor issuedFor, Instant now) {
        RefreshToken token = new RefreshToken();
        token.id = UUID.randomUUID();
        token.sessionId = session.id;
        token.parentId = parentId;
        token.tokenHash = RefreshTokens.hash(jti);
        token.issuedAt = now;
        Instant slidingExpiry = now.plus(issuedFor.refreshTokenLifetime());
        token.expiresAt = slidingExpiry.isBefore(session.expiresAt) ? slidingExpiry : session.expiresAt;
        return token;
    }

    /**
     * A new access token and the signed refresh token that {@code refresh} describes.
     *
     * @param authentication how and when the session's user authenticated, which the access token says
     * @param lifetimeFrom the instant from which {@code refresh_expires_in} is counted
     */
    public TokenResponse tokens(TokenSubject subject, Authentication authentication, RefreshTokens.Claims refresh,
            IssuedFor issuedFor, Instant now, Instant lifetimeFrom) {
        AccessTokenIssuer.AccessToken access = accessTokens.issue(subject, refresh.sessionId(), authentication,
                issuedFor, now);
        long refreshExpiresIn = Math.max(0, Duration.between(lifetimeFrom, refresh.expiresAt()).toSeconds());
        return new TokenResponse(access.token(), "Bearer", access.expiresIn(), refreshTokens.sign(refresh),
                refreshExpiresIn, issuedFor.clientId() == null ? null : issuedFor.scope());
    }

    /** {@link #tokens(TokenSubject, Authentication, RefreshTokens.Claims, IssuedFor, Instant, Instant)} for a stored token of a session. */
    public TokenResponse tokens(TokenSubject subject, UserSession session, String jti, RefreshToken token,
            IssuedFor issuedFor, Instant now) {
        return tokens(subject, session.authentication(),
                new RefreshTokens.Claims(subject.userId(), session.id, jti, token.issuedAt, token.expiresAt), issuedFor,
                now, now);
    }

    /** An access token alone, for a session whose user just stepped up: the refresh token stays as it is. */
    public AccessTokenIssuer.AccessToken accessToken(TokenSubject subject, UserSession session, IssuedFor issuedFor,
            Instant now) {
        return accessTokens.issue(subject, session.id, session.authentication(), issuedFor, now);
    }
}
