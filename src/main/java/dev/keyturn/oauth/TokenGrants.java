package dev.keyturn.oauth;

import java.time.Instant;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.auth.Requests;
import dev.keyturn.auth.SecondFactorLogins;
import dev.keyturn.auth.SessionService;
import dev.keyturn.mfa.Proof;
import dev.keyturn.oauth.clients.GrantType;
import dev.keyturn.oauth.clients.RegisteredClient;
import dev.keyturn.refresh.RefreshRotation;
import dev.keyturn.token.AccessTokenIssuer;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.Scopes;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The grants of {@code POST /oauth/token} for an authenticated client. {@code password} and {@code refresh_token} go
 * through the very code of {@code /auth/login} and {@code /auth/refresh} (one implementation, two doors): the same
 * checks, limits, audit, rotation, grace window and reuse detection; the session they start belongs to the client.
 */
@ApplicationScoped
public class TokenGrants {

    /** RFC 6749 section 3.3's scope-token, and the space between them. */
    private static final String SCOPE = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionService sessions;
    private final SecondFactorLogins secondFactorLogins;
    private final RefreshRotation rotation;
    private final AccessTokenIssuer accessTokens;
    private final TokenConfig config;

    public TokenGrants(SessionService sessions, SecondFactorLogins secondFactorLogins, RefreshRotation rotation,
            AccessTokenIssuer accessTokens, TokenConfig config) {
        this.sessions = sessions;
        this.secondFactorLogins = secondFactorLogins;
        this.rotation = rotation;
        this.accessTokens = accessTokens;
        this.config = config;
    }

    /** The grant type a request names, checked before the client is: an unknown one needs no credentials to refuse. */
    static GrantType grantType(MultivaluedMap<String, String> form) {
        String grantType = FormParameters.single(form, "grant_type");
        if (grantType == null) {
            throw OAuthError.invalidRequest("grant_type is required.");
        }
        return GrantType.of(grantType).orElseThrow(() -> OAuthError.unsupportedGrantType(
                "Supported grant types: " + String.join(", ", GrantType.NAMES) + "."));
    }

    public Uni<Object> grant(GrantType grant, RegisteredClient client, MultivaluedMap<String, String> form,
            ClientInfo from) {
        if (!client.allows(grant)) {
            throw OAuthError.unauthorizedClient("This client may not use the " + grant.value() + " grant.");
        }
        // Without a scope, all the client may have (on refresh: within what the session holds); with one, that part.
        String granted = grantedScope(form, client);
        return switch (grant) {
            case PASSWORD -> password(client, form, granted, from);
            case REFRESH_TOKEN -> refresh(client, form, granted, from);
            case CLIENT_CREDENTIALS -> clientCredentials(client, granted);
            case MFA -> secondFactor(client, form, from);
        };
    }

    private Uni<Object> password(RegisteredClient client, MultivaluedMap<String, String> form, String granted,
            ClientInfo from) {
        String username = FormParameters.single(form, "username");
        String password = FormParameters.single(form, "password");
        if (username == null || password == null) {
            throw OAuthError.invalidRequest("The password grant needs username (the email) and password.");
        }
        if (username.length() > 254 || password.length() > 1024) {
            throw OAuthError.invalidRequest("username or password is too long.");
        }
        IssuedFor issuedFor = client.issuedFor(config, granted);
        return sessions.login(new Requests.Login(username, password, null), issuedFor, from).map(tokens -> tokens);
    }

    /**
     * The second step of a password grant that answered {@code mfa_required}: the {@code mfa_token}, and one of
     * {@code otp}, {@code recovery_code} and {@code credential} (a passkey's AuthenticationResponseJSON, as a string).
     * The token is bound to the client of the first step, and so is the scope granted there.
     */
    private Uni<Object> secondFactor(RegisteredClient client, MultivaluedMap<String, String> form, ClientInfo from) {
        String mfaToken = FormParameters.single(form, "mfa_token");
        if (mfaToken == null) {
            throw OAuthError.invalidRequest("The MFA grant needs mfa_token.");
        }
        Proof proof;
        try {
            proof = Proof.of(FormParameters.single(form, "otp"), FormParameters.single(form, "recovery_code"),
                    credential(FormParameters.single(form, "credential")));
        } catch (ProblemException e) {
            throw OAuthError.invalidRequest("The MFA grant needs exactly one of otp, recovery_code and credential.");
        }
        return secondFactorLogins.complete(mfaToken, proof, client.issuedFor(config, null), from).map(tokens -> tokens);
    }

    private static JsonNode credential(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw OAuthError.invalidRequest("credential must be a passkey's AuthenticationResponseJSON.");
        }
    }

    private Uni<Object> refresh(RegisteredClient client, MultivaluedMap<String, String> form, String granted,
            ClientInfo from) {
        String refreshToken = FormParameters.single(form, "refresh_token");
        if (refreshToken == null) {
            throw OAuthError.invalidRequest("The refresh_token grant needs refresh_token.");
        }
        IssuedFor issuedFor = client.issuedFor(config, granted);
        return rotation.refresh(refreshToken, issuedFor, from).map(tokens -> tokens);
    }

    private Uni<Object> clientCredentials(RegisteredClient client, String granted) {
        if (!client.isConfidential()) {
            throw OAuthError.unauthorizedClient("A public client may not use the client_credentials grant.");
        }
        IssuedFor issuedFor = client.issuedForItself(config, granted);
        AccessTokenIssuer.AccessToken token = accessTokens.issueForClient(issuedFor, Instant.now());
        String scope = issuedFor.scope() == null || issuedFor.scope().isEmpty() ? null : issuedFor.scope();
        return Uni.createFrom().item(new ClientTokenResponse(token.token(), "Bearer", token.expiresIn(), scope));
    }

    /** The scope asked for, all of it allowed to the client; every scope of the client when none was asked for. */
    private static String grantedScope(MultivaluedMap<String, String> form, RegisteredClient client) {
        String scope = FormParameters.single(form, "scope");
        if (scope == null) {
            return Scopes.format(client.scopes());
        }
        if (!scope.matches(SCOPE)) {
            throw OAuthError.invalidScope("scope must be scope tokens separated by single spaces.");
        }
        Set<String> asked = Scopes.parse(scope);
        if (!client.scopes().containsAll(asked)) {
            throw OAuthError.invalidScope("The scope asks for more than this client may have.");
        }
        return Scopes.format(asked);
    }
}
