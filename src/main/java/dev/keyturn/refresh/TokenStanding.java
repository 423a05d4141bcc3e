package dev.keyturn.refresh;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.TokenConfig;
import io.smallrye.mutiny.Uni;

/**
 * Where a presented refresh token stands in its session: reads the rows that {@link RotationRules#decide} needs
 * and asks it. The locked rotation calls it under the session row's lock; introspection calls it without one, and
 * changes nothing.
 */
@ApplicationScoped
public class TokenStanding {

    private final RefreshTokens refreshTokens;
    private final TokenConfig config;

    public TokenStanding(RefreshTokens refreshTokens, TokenConfig config) {
        this.refreshTokens = refreshTokens;
        this.config = config;
    }

    /** The verdict, and the session's current token (null when the session has ended or has none). */
    public record Standing(RotationRules.Verdict verdict, RefreshToken current) {
    }

    public Uni<Standing> of(UserSession session, RefreshTokens.Claims presented, Instant now) {
        if (session == null || !session.userId.equals(presented.userId()) || !session.isActive(now)
                || session.currentTokenId == null) {
            return Uni.createFrom().item(new Standing(RotationRules.Verdict.EXPIRED, null));
        }
        byte[] presentedHash = RefreshTokens.hash(presented.jti());
        byte[] childHash = RefreshTokens.hash(refreshTokens.childId(presented.jti()));
        return RefreshToken.<RefreshToken> findById(session.currentTokenId).chain(current -> {
            RotationRules.StoredToken stored = stored(current);
            Uni<RefreshToken> parent = RotationRules.needsParent(stored, presentedHash, childHash, config.reuseGracePeriod())
                    ? RefreshToken.<RefreshToken> findById(current.parentId)
                    : Uni.createFrom().nullItem();
            return parent.map(found -> new Standing(RotationRules.decide(true, stored, presentedHash, childHash,
                    stored(found), now, config.reuseGracePeriod()), current));
        });
    }

    private static RotationRules.StoredToken stored(RefreshToken token) {
        return token == null ? null : new RotationRules.StoredToken(token.tokenHash, token.parentId, token.usedAt);
    }
}
