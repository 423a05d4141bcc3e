package dev.keyturn.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.keyturn.account.StoredRoles;
import dev.keyturn.account.User;
import dev.keyturn.token.AccessTokenParser;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Decides who may introspect tokens: a caller with an admin's access token (Bearer) whose stored account is an admin
 * now, a configured introspection client, or a registered confidential client (HTTP Basic, RFC 6749 section 2.3.1
 * {@code client_secret_basic}).
 * <p>
 * Client secrets are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual} against every
 * configured client, so neither the time taken nor an early exit tells which part of a guess was right. Startup
 * fails on a malformed client list rather than leaving introspection silently closed.
 */
@Startup
@ApplicationScoped
public class IntrospectionAccess {

    static final int MIN_SECRET_LENGTH = 16;
    static final String BASIC_CHALLENGE = "Basic realm=\"keyturn\", charset=\"UTF-8\"";

    private final AccessTokenParser accessTokens;
    private final StoredRoles storedRoles;
    private final ClientAuthentication registeredClients;
    /** digest of the client id → digest of its secret */
    private final List<byte[][]> clients;

    public IntrospectionAccess(IntrospectionConfig config, AccessTokenParser accessTokens, StoredRoles storedRoles,
            ClientAuthentication registeredClients) {
        this.accessTokens = accessTokens;
        this.storedRoles = storedRoles;
        this.registeredClients = registeredClients;
        Map<String, String> configured = new LinkedHashMap<>();
        String id = config.clientId().map(String::strip).orElse("");
        String secret = config.clientSecret().orElse("");
        if (id.isEmpty() != secret.isEmpty()) {
            throw new IllegalStateException("Set both KEYTURN_INTROSPECTION_CLIENT_ID and KEYTURN_INTROSPECTION_CLIENT_SECRET, "
                    + "or neither");
        }
        if (!id.isEmpty()) {
            configured.put(id, secret);
        }
        for (String pair : config.clients().orElse(List.of())) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("KEYTURN_INTROSPECTION_CLIENTS must list client_id:secret pairs");
            }
            configured.put(pair.substring(0, colon).strip(), pair.substring(colon + 1));
        }
        List<byte[][]> digests = new ArrayList<>();
        configured.forEach((clientId, clientSecret) -> {
            if (clientSecret.length() < MIN_SECRET_LENGTH) {
                // The id may be named; the secret never is.
                throw new IllegalStateException("The secret of introspection client '" + clientId + "' must have at least "
                        + MIN_SECRET_LENGTH + " characters (generate one with 'openssl rand -hex 32')");
            }
            digests.add(new byte[][] { sha256(clientId), sha256(clientSecret) });
        });
        this.clients = List.copyOf(digests);
    }

    /**
     * @param authorization the Authorization header, or {@code null}
     * @return a failure with a 401 problem without or with bad credentials, a 403 for an access token whose account
     *         is not an admin now (the claim alone does not do: a demoted admin's token still says admin)
     */
    public Uni<Void> requireCaller(String authorization) {
        // deferred: a refusal thrown while reading the header becomes the Uni's failure
        return Uni.createFrom().deferred(() -> checkCredentials(authorization));
    }

    private Uni<Void> checkCredentials(String authorization) {
        String header = authorization == null ? "" : authorization.strip();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            JsonWebToken caller = accessTokens.parseOrNull(header.substring(7).strip());
            if (caller == null) {
                throw unauthenticated(ErrorCode.INVALID_TOKEN, "The access token is invalid, expired or revoked.");
            }
            if (!caller.getGroups().contains(User.ROLE_ADMIN)) {
                throw new ProblemException(ErrorCode.FORBIDDEN, "Only an admin or an introspection client may introspect tokens.");
            }
            return storedRoles.requireAdmin(caller);
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (clientMatches(header.substring(6).strip())) {
                return Uni.createFrom().voidItem();
            }
            // a registered confidential client (POST /admin/clients, KEYTURN_CLIENTS) with one of its secrets
            return registeredClients.authenticateBasic(header).invoke(client -> {
                if (client == null) {
                    throw unauthenticated(ErrorCode.INVALID_CREDENTIALS, "The client id or secret is wrong.");
                }
            }).replaceWithVoid();
        }
        throw unauthenticated(ErrorCode.INVALID_TOKEN,
                "Introspection needs an admin's access token (Bearer) or an introspection client's credentials (Basic).");
    }

    private boolean clientMatches(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        byte[] id = sha256(decoded.substring(0, colon));
        byte[] secret = sha256(decoded.substring(colon + 1));
        boolean match = false;
        for (byte[][] client : clients) {
            // '&' and '|', not '&&' and '||': every client is compared in full, whatever matched before.
            match |= MessageDigest.isEqual(client[0], id) & MessageDigest.isEqual(client[1], secret);
        }
        return match;
    }

    private static ProblemException unauthenticated(ErrorCode code, String detail) {
        return new ProblemException(code, detail, List.of(), Map.of(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
