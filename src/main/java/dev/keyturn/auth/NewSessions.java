package dev.keyturn.auth;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.account.User;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.refresh.SessionTokens;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.session.RefreshToken;
import dev.keyturn.session.SessionCap;
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
 * Starting a session, the last step of every kind of login (password, password and second factor, passkey): the
 * session row and its first refresh token, written in the login's transaction with its audit event; then, once that
 * committed, the per-user cap and the signed tokens.
 */
@ApplicationScoped
public class NewSessions {

    private final SessionTokens sessionTokens;
    private final SessionCap sessionCap;
    private final AuditLog auditLog;
    private final RateLimits rateLimits;
    private final TokenConfig config;

    public NewSessions(SessionTokens sessionTokens, SessionCap sessionCap, AuditLog auditLog, RateLimits rateLimits,
            TokenConfig config) {
        this.sessionTokens = sessionTokens;
        this.sessionCap = sessionCap;
        this.auditLog = auditLog;
        this.rateLimits = rateLimits;
        this.config = config;
    }

    /** A session written and not yet answered: its user, its row, its first token and that token's identity. */
    public record Started(User user, UserSession session, RefreshToken token, String jti, Instant issuedAt) {
    }

    /** A password alone was proved, but the account has a second factor by now: the login must ask for it. */
    static final class SecondFactorNowRequired extends RuntimeException {
        SecondFactorNowRequired() {
            super("the account has a second factor", null, false, false);
        }
    }

    /**
     * Starts a session of an account, inside the current transaction, in the order every writer of an account keeps:
     * <ol>
     * <li>the account row is held ({@link User#holdForSession}), and must still allow a session: not deleted (401
     * {@code invalid_credentials}, as an unknown account) and not disabled (403 {@code account_disabled}); whatever
     * would end the session (a deletion, a disable, a first second factor, an admin's reset of the factors) has then
     * either committed, and is seen here, or waits for this session to commit and ends it;</li>
     * <li>{@code proof} uses up what proved the login (a second factor's code, a challenge), as the account is now;</li>
     * <li>a password alone must still be enough ({@link SecondFactorNowRequired} otherwise), and the session is written.</li>
     * </ol>
     */
    public Uni<Started> start(UUID userId, Function<User, Uni<Authentication>> proof, IssuedFor issuedFor,
            ClientInfo client) {
        return User.holdForSession(userId).chain(user -> {
            if (user == null) {
                throw new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The email or password is wrong.");
            }
            if (user.disabled) {
                throw new ProblemException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
            }
            return proof.apply(user).chain(authentication -> {
                if (user.mfaEnabled && !authentication.isMultiFactor()) {
                    throw new SecondFactorNowRequired();
                }
                return persist(user, authentication, issuedFor, client);
            });
        });
    }

    private Uni<Started> persist(User user, Authentication authentication, IssuedFor issuedFor, ClientInfo client) {
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
        session.clientId = issuedFor.clientId();
        session.scope = issuedFor.scope();
        session.authenticated(authentication);
        String jti = sessionTokens.firstId();
        RefreshToken token = sessionTokens.newToken(session, null, jti, issuedFor, now);
        session.currentTokenId = token.id;
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("amr", authentication.methods());
        if (issuedFor.clientId() != null) {
            detail.put("client_id", issuedFor.clientId());
        }
        return clientStillEnabled(issuedFor.clientId())
                .chain(session::persist)
                .chain(token::persist)
                .chain(() -> auditLog.record(AuditType.LOGIN_SUCCEEDED, user.id, session.id, client, detail))
                .chain(() -> rateLimits.loginSucceeded(user.id, client))
                .replaceWith(new Started(user, session, token, jti, now));
    }

    /** After the session committed: the oldest sessions beyond the cap end, and the new session's tokens. */
    public Uni<TokenResponse> tokens(Started started, IssuedFor issuedFor, ClientInfo client) {
        return sessionCap.enforce(started.user().id, client).map(ignored -> sessionTokens.tokens(started.user().tokenSubject(),
                started.session(), started.jti(), started.token(), issuedFor, started.issuedAt()));
    }

    /**
     * A client's session starts only while the client is enabled, read under a share lock in the session's own
     * transaction: disabling or deleting a client takes the row's write lock and revokes its sessions, so a session
     * started at the same moment either committed first (and is revoked with the others) or sees the client gone.
     */
    private static Uni<Void> clientStillEnabled(String clientId) {
        if (clientId == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select enabled from oauth_clients where client_id = :id for share", Boolean.class)
                .setParameter("id", clientId).getResultList())
                .invoke(enabled -> {
                    if (enabled.isEmpty() || !Boolean.TRUE.equals(enabled.get(0))) {
                        throw new ProblemException(ErrorCode.INVALID_CLIENT, "The client is disabled or deleted.");
                    }
                })
                .replaceWithVoid();
    }
}
