package dev.keyturn.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.keyturn.account.AccountConfig;
import dev.keyturn.account.EmailAddress;
import dev.keyturn.account.EmailVerification;
import dev.keyturn.account.PasswordHasher;
import dev.keyturn.account.User;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.Limit;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionCap;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.AccessTokenIssuer;
import dev.keyturn.token.PresentedTokens;
import dev.keyturn.token.RefreshTokens;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.ErrorCode;
import dev.keyturn.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Login, refresh-token rotation with reuse detection, and logout.
 * <p>
 * Rotation runs in one transaction under the session row's lock ({@code SELECT … FOR UPDATE}), so
 * concurrent presenters of one token, on one replica or several, are served one after the other:
 * <ul>
 * <li>the session's current token rotates: it is marked used and its child becomes current;</li>
 * <li>the immediate parent of the current token, within the grace window after it was used, gets the
 * current token again (the same bytes: see {@link RefreshTokens}), so the family stays one chain;</li>
 * <li>any other token of the session is a replay: the whole session is revoked.</li>
 * </ul>
 */
@ApplicationScoped
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);

    private final PasswordHasher passwordHasher;
    private final AccessTokenIssuer accessTokens;
    private final PresentedTokens presentedTokens;
    private final RefreshTokens refreshTokens;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final TokenConfig config;
    private final AccountConfig accountConfig;
    private final EmailVerification emailVerification;
    private final FastRotation fastRotation;
    private final UserViews userViews;
    private final RateLimits rateLimits;
    private final SessionCap sessionCap;

    public SessionService(PasswordHasher passwordHasher, AccessTokenIssuer accessTokens,
            PresentedTokens presentedTokens, RefreshTokens refreshTokens, SessionRevocations revocations,
            AuditLog auditLog, TokenConfig config, AccountConfig accountConfig, EmailVerification emailVerification,
            FastRotation fastRotation, UserViews userViews, RateLimits rateLimits, SessionCap sessionCap) {
        this.sessionCap = sessionCap;
        this.fastRotation = fastRotation;
        this.userViews = userViews;
        this.rateLimits = rateLimits;
        this.accountConfig = accountConfig;
        this.emailVerification = emailVerification;
        this.passwordHasher = passwordHasher;
        this.accessTokens = accessTokens;
        this.presentedTokens = presentedTokens;
        this.refreshTokens = refreshTokens;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.config = config;
    }

    public Uni<TokenResponse> login(Requests.Login request, ClientInfo client) {
        String email = EmailAddress.normalize(request.email());
        // Counted before the bcrypt work, after the one lookup that every email gets alike; a 429 says nothing
        // about the account.
        return Panache.withSession(() -> User.findByEmail(email))
                .call(user -> rateLimits.login(email, user == null ? null : user.id, client))
                .chain(user -> passwordHasher.matches(request.password(), user == null ? null : user.passwordHash)
                        .chain(matches -> matches ? startSession(user, request.code(), client) : loginFailed(user, client)));
    }

    private Uni<TokenResponse> loginFailed(User user, ClientInfo client) {
        // The same answer, and the same work, whether the account exists or not.
        return Panache.withTransaction(() -> auditLog.record(AuditType.LOGIN_FAILED, user == null ? null : user.id, null,
                client, Map.of("reason", user == null ? "unknown_account" : "wrong_password")))
                .chain(() -> Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_CREDENTIALS,
                        "The email or password is wrong.")));
    }

    /** Only after the password proved right does the answer tell anything about the account's state. */
    private Uni<TokenResponse> startSession(User user, String code, ClientInfo client) {
        if (user.disabled) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled."));
        }
        if (user.emailVerified || !accountConfig.requireVerifiedEmail()) {
            return startSession(user, client);
        }
        if (code == null || code.isBlank()) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.EMAIL_NOT_VERIFIED,
                    "Verify your email first: enter the code we mailed you (or ask for a new one)."));
        }
        // The code verifies the email in the same call; a wrong code still counts as a try, under the same limits
        // as POST /auth/verify-email, and under the account row's lock as there (EmailVerification#check).
        return rateLimits.verifyEmail(user.email, client)
                .chain(() -> Panache.withTransaction(() -> User.<User> findById(user.id, LockModeType.PESSIMISTIC_WRITE)
                        .chain(fresh -> emailVerification.check(fresh, code, client))))
                .chain(outcome -> {
                    if (outcome.user() == null) {
                        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_CODE,
                                "The code is wrong, expired or used up. Ask for a new one."));
                    }
                    userViews.forget(outcome.user().id);
                    return startSession(outcome.user(), client);
                });
    }

    private Uni<TokenResponse> startSession(User user, ClientInfo client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        UserSession session = new UserSession();
        session.id = UUID.randomUUID();
        session.userId = user.id;
        // to the microsecond, not the second of the tokens: SessionCap ends the oldest sessions by this order
        session.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        session.lastUsedAt = now;
        session.expiresAt = now.plus(config.sessionLifetime());
        session.userAgent = client.userAgent();
        session.ip = client.ip();
        String jti = refreshTokens.newId();
        RefreshToken token = newToken(session, null, jti, now);
        session.currentTokenId = token.id;
        return Panache.withTransaction(() -> session.persist()
                .chain(token::persist)
                .chain(() -> auditLog.record(AuditType.LOGIN_SUCCEEDED, user.id, session.id, client))
                .chain(() -> rateLimits.loginSucceeded(user.id, client)))
                .chain(() -> sessionCap.enforce(user.id, client))
                .map(ignored -> tokens(user, session, jti, token, now));
    }

    public Uni<TokenResponse> refresh(String presentedToken, ClientInfo client) {
        RefreshTokens.Claims presented = refreshTokens.verify(presentedToken);
        if (presented == null) {
            return invalidRefreshToken();
        }
        return fastRotation.rotate(presented, client)
                .chain(rotated -> rotated != null
                        ? Uni.createFrom().item(tokens(rotated))
                        : lockedRefresh(presented, client));
    }

    private TokenResponse tokens(FastRotation.Rotated rotated) {
        Instant now = Instant.now();
        AccessTokenIssuer.AccessToken access = accessTokens.issue(rotated.subject(), rotated.sessionId(), now);
        String refresh = refreshTokens.sign(new RefreshTokens.Claims(rotated.subject().userId(), rotated.sessionId(),
                rotated.childJti(), rotated.childIssuedAt(), rotated.childExpiresAt()));
        long refreshExpiresIn = Math.max(0, Duration.between(rotated.childIssuedAt(), rotated.childExpiresAt()).toSeconds());
        return new TokenResponse(access.token(), "Bearer", access.expiresIn(), refresh, refreshExpiresIn);
    }

    /** Everything but the plain rotation: the grace window, replays, and tokens that are no good. */
    private Uni<TokenResponse> lockedRefresh(RefreshTokens.Claims presented, ClientInfo client) {
        return revocations.committed(() -> UserSession.<UserSession> findById(presented.sessionId(),
                LockModeType.PESSIMISTIC_WRITE)
                .chain(session -> rotate(session, presented, client)), Outcome::revoked)
                .chain(outcome -> {
                    if (outcome.reusedSession() != null) {
                        LOG.warnf("refresh token reuse detected; session %s revoked", outcome.reusedSession());
                        return invalidRefreshToken();
                    }
                    return Uni.createFrom().item(outcome.tokens());
                });
    }

    /** Either new tokens, or the id of a session that a replay just revoked (committed, then answered 401). */
    private record Outcome(TokenResponse tokens, UUID reusedSession) {
        List<UUID> revoked() {
            return reusedSession == null ? List.of() : List.of(reusedSession);
        }
    }

    private Uni<Outcome> rotate(UserSession session, RefreshTokens.Claims presented, ClientInfo client) {
        Instant now = Instant.now();
        if (session == null || !session.userId.equals(presented.userId()) || !session.isActive(now)
                || session.currentTokenId == null) {
            return invalidRefreshToken();
        }
        byte[] presentedHash = RefreshTokens.hash(presented.jti());
        return RefreshToken.<RefreshToken> findById(session.currentTokenId).chain(current -> {
            if (current == null) {
                return invalidRefreshToken();
            }
            if (Arrays.equals(current.tokenHash, presentedHash)) {
                return countRefresh(session, now).chain(() -> activeUser(session))
                        .chain(user -> rotateCurrent(user, session, current, presented, client));
            }
            return isGraceParent(current, presentedHash, presented.jti(), now).chain(parent -> parent
                    ? countRefresh(session, now).chain(() -> activeUser(session))
                            .map(user -> reissueCurrent(user, session, current, presented))
                    : replay(session, client));
        });
    }

    /**
     * Refreshes per session, counted on the locked session row, which the transaction writes anyway: the
     * limit costs no extra round trip. A replay is never counted: it revokes the session instead.
     */
    private Uni<Void> countRefresh(UserSession session, Instant now) {
        Limit limit = rateLimits.refreshPerSession();
        if (session.refreshWindowStart == null || !now.isBefore(session.refreshWindowStart.plus(limit.window()))) {
            session.refreshWindowStart = now;
            session.refreshCount = 1;
        } else {
            session.refreshCount++;
        }
        if (limit.enabled() && session.refreshCount > limit.max()) {
            long retryAfter = Math.max(1, Duration.between(now, session.refreshWindowStart.plus(limit.window())).toSeconds() + 1);
            return Uni.createFrom().failure(new ProblemException(ErrorCode.RATE_LIMITED,
                    "This session refreshes too often. Try again later.", List.of(),
                    Map.of("Retry-After", Long.toString(retryAfter))));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Outcome> rotateCurrent(User user, UserSession session, RefreshToken current,
            RefreshTokens.Claims presented, ClientInfo client) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        current.usedAt = Instant.now();
        String childJti = refreshTokens.childId(presented.jti());
        RefreshToken child = newToken(session, current.id, childJti, now);
        session.currentTokenId = child.id;
        session.lastUsedAt = now;
        session.ip = client.ip();
        session.userAgent = client.userAgent();
        return child.persist().map(ignored -> new Outcome(tokens(user, session, childJti, child, now), null));
    }

    /** The answer for the parent within the grace window: the current token again, byte for byte. */
    private Outcome reissueCurrent(User user, UserSession session, RefreshToken current, RefreshTokens.Claims presented) {
        String currentJti = refreshTokens.childId(presented.jti());
        return new Outcome(tokens(user, session, currentJti, current, Instant.now()), null);
    }

    /** Public for RFC 7662 introspection (oauth), which asks the same question without rotating anything. */
    public Uni<Boolean> isGraceParent(RefreshToken current, byte[] presentedHash, String presentedJti, Instant now) {
        Duration grace = config.reuseGracePeriod();
        if (grace.isZero() || grace.isNegative() || current.parentId == null
                || !Arrays.equals(current.tokenHash, RefreshTokens.hash(refreshTokens.childId(presentedJti)))) {
            return Uni.createFrom().item(false);
        }
        return RefreshToken.<RefreshToken> findById(current.parentId).map(parent -> parent != null
                && Arrays.equals(parent.tokenHash, presentedHash)
                && parent.usedAt != null
                && !now.isAfter(parent.usedAt.plus(grace)));
    }

    private Uni<Outcome> replay(UserSession session, ClientInfo client) {
        return revocations.revoke(session, RevocationReason.REFRESH_TOKEN_REUSE)
                .chain(() -> auditLog.record(AuditType.REFRESH_TOKEN_REUSE, session.userId, session.id, client))
                .map(ignored -> new Outcome(null, session.id));
    }

    private static Uni<User> activeUser(UserSession session) {
        return User.<User> findById(session.userId).chain(user -> user == null || user.disabled
                ? invalidRefreshToken()
                : Uni.createFrom().item(user));
    }

    public Uni<Void> logout(String refreshToken, String accessToken, String scope, ClientInfo client) {
        PresentedTokens.Presented presented = presentedTokens.identify(refreshToken, accessToken);
        if (presented == null) {
            return Uni.createFrom().voidItem(); // an unknown token logs nothing out, and says so to nobody
        }
        UUID userId = presented.userId();
        UUID sessionId = presented.sessionId();
        SessionRevocations.Scope revocationScope = switch (scope == null ? "local" : scope) {
            case "global" -> SessionRevocations.Scope.ALL;
            case "others" -> SessionRevocations.Scope.ALL_BUT;
            default -> SessionRevocations.Scope.ONLY;
        };
        return revocations.committed(() -> UserSession.<UserSession> findById(sessionId).chain(session -> {
            // Only a live session of this user may end sessions; a stale token ends nothing.
            if (session == null || !session.userId.equals(userId) || !session.isActive(Instant.now())) {
                return Uni.createFrom().item(List.<UUID> of());
            }
            return revocations.revoke(userId, revocationScope, sessionId, RevocationReason.LOGOUT)
                    .call(ids -> auditLog.record(AuditType.LOGOUT, userId, sessionId, client,
                            Map.of("scope", scope == null ? "local" : scope, "sessions_revoked", ids.size())));
        })).replaceWithVoid();
    }

    public Uni<List<SessionView>> activeSessions(UUID userId, UUID currentSessionId) {
        return Panache.withSession(() -> UserSession.<UserSession> list(
                "userId = ?1 and revokedAt is null and expiresAt > ?2 order by lastUsedAt desc", userId, Instant.now()))
                .map(list -> list.stream().map(session -> SessionView.of(session, currentSessionId)).toList());
    }

    /** Ends a session of the caller; any other id, a foreign session's included, is "not found". */
    public Uni<Void> endOwnSession(UUID userId, String sessionId, ClientInfo client) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.NOT_FOUND, "No such session."));
        }
        return revocations.committed(() -> revocations.revoke(userId, SessionRevocations.Scope.ONLY, id,
                RevocationReason.ENDED_BY_USER)
                .call(ids -> ids.isEmpty()
                        ? Uni.createFrom().<Void> failure(new ProblemException(ErrorCode.NOT_FOUND, "No such session."))
                        : auditLog.record(AuditType.SESSION_REVOKED, userId, id, client, Map.of("by", "owner"))))
                .replaceWithVoid();
    }

    private RefreshToken newToken(UserSession session, UUID parentId, String jti, Instant now) {
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

    private TokenResponse tokens(User user, UserSession session, String jti, RefreshToken token, Instant now) {
        AccessTokenIssuer.AccessToken access = accessTokens.issue(user.tokenSubject(), session.id, now);
        String refresh = refreshTokens.sign(new RefreshTokens.Claims(user.id, session.id, jti, token.issuedAt,
                token.expiresAt));
        long refreshExpiresIn = Math.max(0, Duration.between(now, token.expiresAt).toSeconds());
        return new TokenResponse(access.token(), "Bearer", access.expiresIn(), refresh, refreshExpiresIn);
    }

    private static <T> Uni<T> invalidRefreshToken() {
        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_REFRESH_TOKEN,
                "The refresh token is invalid, expired or revoked."));
    }
}
