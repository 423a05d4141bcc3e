package dev.keyturn.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.keyturn.account.AccountConfig;
import dev.keyturn.account.EmailAddress;
import dev.keyturn.account.EmailVerification;
import dev.keyturn.account.LoginPasswords;
import dev.keyturn.account.User;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.mfa.MfaLogin;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.refresh.PresentedTokens;
import dev.keyturn.refresh.RefreshRotation;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Login, logout, and a user's own sessions. Refreshing a session is {@link RefreshRotation}'s.
 */
@ApplicationScoped
public class SessionService {

    private final LoginPasswords loginPasswords;
    private final NewSessions newSessions;
    private final MfaLogin mfaLogin;
    private final PresentedTokens presentedTokens;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final TokenConfig config;
    private final AccountConfig accountConfig;
    private final EmailVerification emailVerification;
    private final UserViews userViews;
    private final RateLimits rateLimits;
    private final LoginMetrics loginMetrics;

    public SessionService(LoginPasswords loginPasswords, NewSessions newSessions, MfaLogin mfaLogin,
            PresentedTokens presentedTokens, SessionRevocations revocations, AuditLog auditLog, TokenConfig config,
            AccountConfig accountConfig, EmailVerification emailVerification, UserViews userViews,
            RateLimits rateLimits, LoginMetrics loginMetrics) {
        this.loginMetrics = loginMetrics;
        this.loginPasswords = loginPasswords;
        this.newSessions = newSessions;
        this.mfaLogin = mfaLogin;
        this.presentedTokens = presentedTokens;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.config = config;
        this.accountConfig = accountConfig;
        this.emailVerification = emailVerification;
        this.userViews = userViews;
        this.rateLimits = rateLimits;
    }

    /** {@code POST /auth/login}: a session of the JSON routes. */
    public Uni<TokenResponse> login(Requests.Login request, ClientInfo client) {
        return login(request, IssuedFor.firstParty(config), client);
    }

    /**
     * A login by email and password, for the JSON routes or for an OAuth client (the token endpoint's {@code password}
     * grant): the same checks, limits and audit either way; the session belongs to {@code issuedFor}'s client.
     */
    public Uni<TokenResponse> login(Requests.Login request, IssuedFor issuedFor, ClientInfo client) {
        return loginMetrics.counted(passwordLogin(request, issuedFor, client));
    }

    private Uni<TokenResponse> passwordLogin(Requests.Login request, IssuedFor issuedFor, ClientInfo client) {
        String email = EmailAddress.normalize(request.email());
        // Counted before the hashing work, after the one lookup that every email gets alike; a 429 says nothing
        // about the account.
        return Panache.withSession(() -> User.findByEmail(email))
                .call(user -> rateLimits.login(email, user == null ? null : user.id, client))
                .chain(user -> loginPasswords.check(user, request.password())
                        .chain(matches -> matches
                                ? startSession(user, request.code(), issuedFor, client)
                                : loginFailed(user, client)));
    }

    private Uni<TokenResponse> loginFailed(User user, ClientInfo client) {
        // The same answer, and the same work, whether the account exists or not.
        return Panache.withTransaction(() -> auditLog.record(AuditType.LOGIN_FAILED, user == null ? null : user.id, null,
                client, Map.of("reason", user == null ? "unknown_account" : "wrong_password")))
                .chain(() -> Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_CREDENTIALS,
                        "The email or password is wrong.")));
    }

    /** Only after the password proved right does the answer tell anything about the account's state. */
    private Uni<TokenResponse> startSession(User user, String code, IssuedFor issuedFor, ClientInfo client) {
        if (user.disabled) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled."));
        }
        if (user.emailVerified || !accountConfig.requireVerifiedEmail()) {
            return startSession(user, issuedFor, client);
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
                    return startSession(outcome.user(), issuedFor, client);
                });
    }

    /**
     * A session for a right password. An account with a second factor gets 403 {@code mfa_required} and the
     * {@code mfa_token} of the next step instead; the session's transaction reads the flag again under a share lock of
     * the account row ({@link NewSessions#start}), so a login racing the account's first enrolment either committed
     * first (the enrolment then ends its session) or is asked for the second factor.
     */
    private Uni<TokenResponse> startSession(User user, IssuedFor issuedFor, ClientInfo client) {
        if (user.mfaEnabled) {
            return secondFactorRequired(user, issuedFor);
        }
        return Panache.withTransaction(() -> newSessions.start(user.id,
                held -> Uni.createFrom().item(Authentication.password(Instant.now())), issuedFor, client))
                .chain(started -> newSessions.tokens(started, issuedFor, client))
                .onFailure(NewSessions.SecondFactorNowRequired.class)
                .recoverWithUni(() -> secondFactorRequired(user, issuedFor));
    }

    private Uni<TokenResponse> secondFactorRequired(User user, IssuedFor issuedFor) {
        return mfaLogin.challenge(user.id, issuedFor.clientId(), issuedFor.scope())
                .chain(problem -> Uni.createFrom().failure(problem));
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
                "userId = ?1 and revokedAt is null and expiresAt > ?2 order by createdAt desc, id desc", userId, Instant.now()))
                .map(list -> list.stream().map(session -> SessionView.of(session, currentSessionId)).toList());
    }

    /** Ends a session of the caller; any other id, a foreign session's included, is "not found". */
    public Uni<Void> endOwnSession(UUID userId, UUID id, ClientInfo client) {
        return revocations.committed(() -> revocations.revoke(userId, SessionRevocations.Scope.ONLY, id,
                RevocationReason.ENDED_BY_USER)
                .call(ids -> ids.isEmpty()
                        ? Uni.createFrom().<Void> failure(new ProblemException(ErrorCode.NOT_FOUND, "No such session."))
                        : auditLog.record(AuditType.SESSION_REVOKED, userId, id, client, Map.of("by", "owner"))))
                .replaceWithVoid();
    }
}
