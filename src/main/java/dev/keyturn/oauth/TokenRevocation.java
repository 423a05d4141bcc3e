package dev.keyturn.oauth;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.oauth.clients.RegisteredClient;
import dev.keyturn.refresh.PresentedTokens;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.web.ClientInfo;
import io.smallrye.mutiny.Uni;

/**
 * RFC 7009 token revocation. Revoking a refresh token ends its whole session: the refresh token, every other token of
 * its family, and the session's access tokens (at once on this replica, through the revocation notification on the
 * others). An access token presented here ends its session too (RFC 7009 section 2 leaves access-token revocation to
 * the server; it is what {@code /auth/logout} with a Bearer token does). The kind of token is recognised by its
 * {@code typ} and key, so {@code token_type_hint} is ignored, as section 2.1 allows.
 * <p>
 * An unknown, invalid, expired or already revoked token revokes nothing and is not reported: the caller gets the same
 * answer either way, so the endpoint tells nothing about a token it did not issue.
 */
@ApplicationScoped
public class TokenRevocation {

    private static final Logger LOG = Logger.getLogger(TokenRevocation.class);

    private final PresentedTokens presentedTokens;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;

    public TokenRevocation(PresentedTokens presentedTokens, SessionRevocations revocations, AuditLog auditLog) {
        this.presentedTokens = presentedTokens;
        this.revocations = revocations;
        this.auditLog = auditLog;
    }

    /**
     * @param caller the authenticated client, or {@code null} for a caller without client credentials (the token's
     *        holder); a client may revoke only the tokens issued to it (RFC 7009 section 2.1), and a token it did not
     *        get is refused with {@code unauthorized_client}, revoking nothing
     */
    public Uni<Void> revoke(String token, RegisteredClient caller, ClientInfo client) {
        PresentedTokens.Presented presented = presentedTokens.identify(token);
        if (presented == null) {
            return Uni.createFrom().voidItem();
        }
        UUID userId = presented.userId();
        UUID sessionId = presented.sessionId();
        String tokenType = presented.isRefreshToken() ? Introspection.REFRESH_TOKEN : Introspection.ACCESS_TOKEN;
        return revocations.committed(() -> issuedTo(sessionId, caller).chain(() -> revocations.revoke(userId,
                SessionRevocations.Scope.ONLY, sessionId, RevocationReason.TOKEN_REVOKED))
                .call(ids -> ids.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : auditLog.record(AuditType.SESSION_REVOKED, userId, sessionId, client,
                                Map.of("via", "revocation_endpoint", "token_type", tokenType))))
                .invoke(ids -> logRevoked(ids, tokenType))
                .replaceWithVoid();
    }

    private static Uni<Void> issuedTo(UUID sessionId, RegisteredClient caller) {
        if (caller == null) {
            return Uni.createFrom().voidItem();
        }
        return UserSession.<UserSession> findById(sessionId).invoke(session -> {
            if (session != null && !caller.clientId().equals(session.clientId)) {
                throw OAuthError.unauthorizedClient("This token was not issued to this client.");
            }
        }).replaceWithVoid();
    }

    private static void logRevoked(List<UUID> ids, String tokenType) {
        if (!ids.isEmpty()) {
            LOG.debugf("session %s revoked through the revocation endpoint (%s)", ids.get(0), tokenType);
        }
    }
}
