package dev.keyturn.oauth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import dev.keyturn.account.User;
import dev.keyturn.oauth.clients.ClientDirectory;
import dev.keyturn.refresh.PresentedTokens;
import dev.keyturn.refresh.RefreshTokens;
import dev.keyturn.refresh.TokenStanding;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.AccessTokenParser;
import dev.keyturn.token.TokenConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * RFC 7662 token introspection: whether a token is active right now, and what it says.
 * <p>
 * Both kinds of token are first verified locally (signature, type, issuer, audience, expiry), which also tells them
 * apart: they have different {@code typ} headers and keys, so {@code token_type_hint} is not needed and is ignored, as
 * RFC 7662 section 2.1 allows. The session is then read from the database, so that the answer is exact even for a
 * session revoked on another replica a moment ago:
 * <ul>
 * <li>an access token is active while its session is not revoked (its own {@code exp} bounds it);</li>
 * <li>a refresh token is active only while it is its live session's current token, or the parent of the current
 * token within the grace window (the one used token that {@code /auth/refresh} would still answer), and its account
 * is not disabled.</li>
 * </ul>
 * Introspection never changes state: it neither rotates a token nor detects reuse.
 */
@ApplicationScoped
public class TokenIntrospection {

    private static final Logger LOG = Logger.getLogger(TokenIntrospection.class);

    private final PresentedTokens presentedTokens;
    private final AccessTokenParser accessTokens;
    private final ClientDirectory directory;
    private final TokenStanding standing;
    private final TokenConfig config;

    public TokenIntrospection(PresentedTokens presentedTokens, AccessTokenParser accessTokens, ClientDirectory directory,
            TokenStanding standing, TokenConfig config) {
        this.presentedTokens = presentedTokens;
        this.accessTokens = accessTokens;
        this.directory = directory;
        this.standing = standing;
        this.config = config;
    }

    public Uni<Introspection> introspect(String token) {
        PresentedTokens.Presented presented = presentedTokens.identify(token);
        if (presented == null) {
            return issuedForAClient(token);
        }
        return Panache.withSession(() -> presented.isRefreshToken()
                ? refreshTokenState(presented.refresh())
                : accessTokenState(presented.userId(), presented.sessionId(), presented.access()));
    }

    private Uni<Introspection> accessTokenState(UUID userId, UUID sessionId, JsonWebToken access) {
        return UserSession.<UserSession> findById(sessionId).chain(session -> {
            if (session == null || !session.userId.equals(userId) || session.revokedAt != null) {
                return inactive("the session of an access token is revoked");
            }
            Object audience = access.getAudience() != null && access.getAudience().size() == 1
                    ? access.getAudience().iterator().next()
                    : access.getAudience();
            return Uni.createFrom().item(new Introspection(true, Introspection.ACCESS_TOKEN, access.getSubject(),
                    sessionId.toString(), access.getExpirationTime(), access.getIssuedAtTime(), access.getIssuer(),
                    audience, access.getClaim("preferred_username"), roles(access), access.getTokenID(),
                    access.getClaim("client_id"), access.getClaim("scope")));
        });
    }

    /**
     * An access token for another audience than the service's: a registered client's, of a user's session (active
     * while the session is) or its own ({@code client_credentials}: active while the client is registered and enabled).
     */
    private Uni<Introspection> issuedForAClient(String token) {
        JwtClaims claims = accessTokens.verifyIssuedOrNull(token);
        if (claims == null) {
            return inactive("neither a valid access token nor a valid refresh token");
        }
        try {
            String clientId = claims.getStringClaimValue("client_id");
            String sessionId = claims.getStringClaimValue("sid");
            if (clientId == null) {
                return inactive("an access token of another audience, not a client's");
            }
            if (sessionId == null) {
                if (!clientId.equals(claims.getSubject())) {
                    return inactive("a client's access token about someone else, without a session");
                }
                return directory.find(clientId).chain(client -> client == null || !client.enabled()
                        ? inactive("the client of an access token is deleted or disabled")
                        : Uni.createFrom().item(answer(claims, null, null, List.of())));
            }
            UUID session = UUID.fromString(sessionId);
            UUID userId = UUID.fromString(claims.getSubject());
            List<String> roles = claims.isClaimValueStringList("roles") ? claims.getStringListClaimValue("roles") : List.of();
            String username = claims.getStringClaimValue("preferred_username");
            return Panache.withSession(() -> UserSession.<UserSession> findById(session)).chain(found ->
                    found == null || !found.userId.equals(userId) || found.revokedAt != null
                            || !clientId.equals(found.clientId)
                            ? inactive("the session of an access token is revoked")
                            : Uni.createFrom().item(answer(claims, sessionId, username, roles)));
        } catch (MalformedClaimException | IllegalArgumentException e) {
            return inactive("an access token with malformed claims");
        }
    }

    private static Introspection answer(JwtClaims claims, String sessionId, String username, List<String> roles) {
        try {
            List<String> audience = claims.getAudience();
            return new Introspection(true, Introspection.ACCESS_TOKEN, claims.getSubject(), sessionId,
                    claims.getExpirationTime().getValue(), claims.getIssuedAt().getValue(), claims.getIssuer(),
                    audience.size() == 1 ? audience.get(0) : audience, username, roles.isEmpty() ? null : roles,
                    claims.getJwtId(), claims.getStringClaimValue("client_id"), claims.getStringClaimValue("scope"));
        } catch (MalformedClaimException e) {
            throw new IllegalStateException("claims checked before", e);
        }
    }

    /** Live by the same rules as rotation ({@link TokenStanding}): the current token, or the parent in its grace. */
    private Uni<Introspection> refreshTokenState(RefreshTokens.Claims claims) {
        return UserSession.<UserSession> findById(claims.sessionId())
                .chain(session -> standing.of(session, claims, Instant.now()).chain(found -> switch (found.verdict()) {
                    case CURRENT, GRACE -> User.<User> findById(session.userId).chain(user -> user == null || user.disabled
                            ? inactive("the account of a refresh token is disabled")
                            : Uni.createFrom().item(refreshTokenAnswer(claims, user)));
                    case REUSE -> inactive("a refresh token was already used");
                    case EXPIRED -> inactive("the session of a refresh token has ended, or has no current token");
                }));
    }

    private Introspection refreshTokenAnswer(RefreshTokens.Claims claims, User user) {
        return new Introspection(true, Introspection.REFRESH_TOKEN, claims.userId().toString(),
                claims.sessionId().toString(), claims.expiresAt().getEpochSecond(), claims.issuedAt().getEpochSecond(),
                config.issuer(), config.audience(), user.username, List.copyOf(user.roles), claims.jti(), null, null);
    }

    private static List<String> roles(JsonWebToken access) {
        Object claim = access.getClaim("roles");
        List<String> roles = new ArrayList<>();
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                // JSON-P strings print with quotes; their getString() is the plain value.
                roles.add(value instanceof jakarta.json.JsonString json ? json.getString() : String.valueOf(value));
            }
            return roles;
        }
        return List.copyOf(access.getGroups());
    }

    private static Uni<Introspection> inactive(String reason) {
        LOG.debugf("introspection: inactive (%s)", reason);
        return Uni.createFrom().item(Introspection.INACTIVE);
    }
}
