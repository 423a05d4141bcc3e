package dev.keyturn.refresh;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.keyturn.account.User;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.Limit;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.Scopes;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The one entry point of refresh-token rotation with reuse detection ({@code POST /auth/refresh}).
 * <p>
 * The common case, the current token presented once, takes {@link FastRotation}'s single statement. Everything else
 * runs in one transaction under the session row's lock ({@code SELECT … FOR UPDATE}), so concurrent presenters of
 * one token, on one replica or several, are served one after the other, by the rules of {@link RotationRules}:
 * <ul>
 * <li>the session's current token rotates: it is marked used and its child becomes current;</li>
 * <li>the immediate parent of the current token, within the grace window after it was used, gets the current token
 * again (the same bytes: see {@link RefreshTokens}), so the family stays one chain;</li>
 * <li>any other token of the session is a replay: the whole session is revoked.</li>
 * </ul>
 */
@ApplicationScoped
public class RefreshRotation {

    private static final Logger LOG = Logger.getLogger(RefreshRotation.class);

    private final RefreshTokens refreshTokens;
    private final FastRotation fastRotation;
    private final TokenStanding standing;
    private final SessionTokens sessionTokens;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final RateLimits rateLimits;
    private final IssuedFor firstParty;
    private final RefreshMetrics metrics;

    public RefreshRotation(RefreshTokens refreshTokens, FastRotation fastRotation, TokenStanding standing,
            SessionTokens sessionTokens, SessionRevocations revocations, AuditLog auditLog, RateLimits rateLimits,
            TokenConfig config, RefreshMetrics metrics) {
        this.metrics = metrics;
        this.firstParty = IssuedFor.firstParty(config);
        this.refreshTokens = refreshTokens;
        this.fastRotation = fastRotation;
        this.standing = standing;
        this.sessionTokens = sessionTokens;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.rateLimits = rateLimits;
    }

    /** {@code POST /auth/refresh}: a session of the JSON routes, with their defaults. */
    public Uni<TokenResponse> refresh(String presentedToken, ClientInfo client) {
        return refresh(presentedToken, firstParty, client);
    }

    /**
     * The rotation of both doors: {@code /auth/refresh} and the token endpoint's {@code refresh_token} grant. A session
     * answers only the client that started it.
     *
     * @param issuedFor the client and its token settings; its {@code scope} is the scope asked for, {@code null} for
     *        all the session holds (a scope asked for narrows the access token, never the session: RFC 6749 section 6)
     */
    public Uni<TokenResponse> refresh(String presentedToken, IssuedFor issuedFor, ClientInfo client) {
        RefreshTokens.Claims presented = refreshTokens.verify(presentedToken);
        if (presented == null) {
            metrics.count(RefreshMetrics.Outcome.INVALID);
            return invalidRefreshToken();
        }
        return fastRotation.rotate(presented, issuedFor, client)
                .onFailure().invoke(metrics::countFailure)
                .chain(rotated -> {
                    if (rotated == null) {
                        return lockedRefresh(presented, issuedFor, client);
                    }
                    metrics.count(RefreshMetrics.Outcome.ROTATED);
                    return Uni.createFrom().item(tokens(rotated, issuedFor));
                });
    }

    private TokenResponse tokens(FastRotation.Rotated rotated, IssuedFor issuedFor) {
        RefreshTokens.Claims child = new RefreshTokens.Claims(rotated.subject().userId(), rotated.sessionId(),
                rotated.childJti(), rotated.childIssuedAt(), rotated.childExpiresAt());
        return sessionTokens.tokens(rotated.subject(), rotated.authentication(), child,
                granted(issuedFor, rotated.sessionScope()), Instant.now(), rotated.childIssuedAt());
    }

    /** The scope of a refreshed access token: what was asked for, within what the session holds. */
    static IssuedFor granted(IssuedFor issuedFor, String sessionScope) {
        if (issuedFor.clientId() == null) {
            return issuedFor;
        }
        return issuedFor.withScope(Scopes.narrow(sessionScope, issuedFor.scope()));
    }

    /** Everything but the plain rotation: the grace window, replays, and tokens that are no good. */
    private Uni<TokenResponse> lockedRefresh(RefreshTokens.Claims presented, IssuedFor issuedFor, ClientInfo client) {
        return revocations.committed(() -> UserSession.<UserSession> findById(presented.sessionId(),
                LockModeType.PESSIMISTIC_WRITE)
                .chain(session -> rotate(session, presented, issuedFor, client)), Outcome::revoked)
                .onFailure().invoke(metrics::countFailure)
                .chain(outcome -> {
                    if (outcome.reusedSession() != null) {
                        metrics.count(RefreshMetrics.Outcome.REUSE_DETECTED);
                        LOG.warnf("refresh token reuse detected; session %s revoked", outcome.reusedSession());
                        return invalidRefreshToken();
                    }
                    metrics.count(outcome.grace() ? RefreshMetrics.Outcome.GRACE : RefreshMetrics.Outcome.ROTATED);
                    return Uni.createFrom().item(outcome.tokens());
                });
    }

    /**
     * Either new tokens (a rotation, or the current token again within the grace window), or the id of a session that
     * a replay just revoked (committed, then answered 401).
     */
    private record Outcome(TokenResponse tokens, boolean grace, UUID reusedSession) {
        List<UUID> revoked() {
            return reusedSession == null ? List.of() : List.of(reusedSession);
        }
    }

    private Uni<Outcome> rotate(UserSession session, RefreshTokens.Claims presented, IssuedFor requested,
            ClientInfo client) {
        if (session != null && !Objects.equals(session.clientId, requested.clientId())) {
            // Another client's token (or a JSON session's at the token endpoint): refused, and no evidence of a replay.
            return invalidRefreshToken();
        }
        Instant now = Instant.now();
        IssuedFor issuedFor = session == null ? requested : granted(requested, session.scope);
        return standing.of(session, presented, now).chain(found -> switch (found.verdict()) {
            case CURRENT -> countRefresh(session, now).chain(() -> activeUser(session))
                    .chain(user -> rotateCurrent(user, session, found.current(), presented, issuedFor, client));
            case GRACE -> countRefresh(session, now).chain(() -> activeUser(session))
                    .map(user -> reissueCurrent(user, session, found.current(), presented, issuedFor));
            case REUSE -> replay(session, client);
            case EXPIRED -> RefreshRotation.<Outcome> invalidRefreshToken();
        });
    }

    /**
     * Refreshes per session, counted on the locked session row, which the transaction writes anyway: the
     * limit costs no extra round trip. A replay is never counted: it revokes the session instead.
     */
    private Uni<Void> countRefresh(UserSession session, Instant now) {
        Limit limit = rateLimits.refreshPerSession();
        RotationRules.Window counted = RotationRules.count(
                new RotationRules.Window(session.refreshWindowStart, session.refreshCount), now, limit.window());
        session.refreshWindowStart = counted.start();
        session.refreshCount = counted.count();
        if (RotationRules.overLimit(counted, limit.max())) {
            rateLimits.refreshRefused();
            long retryAfter = RotationRules.retryAfterSeconds(counted, now, limit.window());
            return Uni.createFrom().failure(new ProblemException(ErrorCode.RATE_LIMITED,
                    "This session refreshes too often. Try again later.", List.of(),
                    Map.of("Retry-After", Long.toString(retryAfter))));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Outcome> rotateCurrent(User user, UserSession session, RefreshToken current,
            RefreshTokens.Claims presented, IssuedFor issuedFor, ClientInfo client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        current.usedAt = Instant.now();
        String childJti = refreshTokens.childId(presented.jti());
        RefreshToken child = sessionTokens.newToken(session, current.id, childJti, issuedFor, now);
        session.currentTokenId = child.id;
        session.lastUsedAt = now;
        session.ip = client.ip();
        session.userAgent = client.userAgent();
        return child.persist().map(ignored -> new Outcome(
                sessionTokens.tokens(user.tokenSubject(), session, childJti, child, issuedFor, now), false, null));
    }

    /** The answer for the parent within the grace window: the current token again, byte for byte. */
    private Outcome reissueCurrent(User user, UserSession session, RefreshToken current, RefreshTokens.Claims presented,
            IssuedFor issuedFor) {
        String currentJti = refreshTokens.childId(presented.jti());
        return new Outcome(sessionTokens.tokens(user.tokenSubject(), session, currentJti, current, issuedFor, Instant.now()),
                true, null);
    }

    private Uni<Outcome> replay(UserSession session, ClientInfo client) {
        return revocations.revoke(session, RevocationReason.REFRESH_TOKEN_REUSE)
                .chain(() -> auditLog.record(AuditType.REFRESH_TOKEN_REUSE, session.userId, session.id, client))
                .map(ignored -> new Outcome(null, false, session.id));
    }

    private static Uni<User> activeUser(UserSession session) {
        return User.<User> findById(session.userId).chain(user -> user == null || user.disabled
                ? invalidRefreshToken()
                : Uni.createFrom().item(user));
    }

    private static <T> Uni<T> invalidRefreshToken() {
        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_REFRESH_TOKEN,
                "The refresh token is invalid, expired or revoked."));
    }
}
