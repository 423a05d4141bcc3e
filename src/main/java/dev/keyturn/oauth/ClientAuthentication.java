package dev.keyturn.oauth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;

import dev.keyturn.oauth.clients.ClientDirectory;
import dev.keyturn.oauth.clients.RegisteredClient;
import io.smallrye.mutiny.Uni;

/**
 * Who is calling the token endpoint (RFC 6749 section 2.3): {@code client_secret_basic} (HTTP Basic, id and secret
 * form-encoded first), {@code client_secret_post} (the same two as form fields), {@code private_key_jwt} (RFC 7523,
 * {@link ClientAssertions}), or, for a public client, {@code client_id} alone. One method per request (section
 * 2.3); every failure is the same {@code invalid_client}, so an answer tells nothing about which part was wrong.
 */
@ApplicationScoped
public class ClientAuthentication {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String WRONG = "Client authentication failed.";

    private final ClientDirectory directory;
    private final ClientAssertions assertions;

    public ClientAuthentication(ClientDirectory directory, ClientAssertions assertions) {
        this.directory = directory;
        this.assertions = assertions;
    }

    /** The client's credentials as a request carries them, before they are checked. */
    record Credentials(String clientId, String secret, String assertion) {
    }

    /** @return the authenticated, enabled client; a failure with an {@link OAuthError} otherwise */
    public Uni<RegisteredClient> authenticate(MultivaluedMap<String, String> form, String authorization) {
        return Uni.createFrom().deferred(() -> {
            Credentials credentials = credentials(form, authorization);
            if (credentials.assertion() != null) {
                return assertions.verify(credentials.assertion(), credentials.clientId());
            }
            return directory.find(credentials.clientId()).map(client -> check(client, credentials.secret()));
        });
    }

    /**
     * For the revocation endpoint, where client authentication is optional (a token's holder may always give it up):
     * the authenticated client when the request carries credentials, {@code null} when it carries none.
     */
    public Uni<RegisteredClient> authenticateIfPresent(MultivaluedMap<String, String> form, String authorization) {
        boolean hasBasic = isBasic(authorization);
        boolean hasForm = form.containsKey("client_id") || form.containsKey("client_secret")
                || form.containsKey("client_assertion") || form.containsKey("client_assertion_type");
        return hasBasic || hasForm ? authenticate(form, authorization) : Uni.createFrom().nullItem();
    }

    /** {@code client_secret_basic} only, for introspection: the client, or {@code null} when the header is not one's. */
    public Uni<RegisteredClient> authenticateBasic(String authorization) {
        Credentials credentials;
        try {
            credentials = basic(authorization);
        } catch (OAuthError e) {
            return Uni.createFrom().nullItem();
        }
        return directory.find(credentials.clientId()).map(client -> {
            try {
                return client != null && client.isConfidential() ? check(client, credentials.secret()) : null;
            } catch (OAuthError e) {
                return null;
            }
        });
    }

    private static RegisteredClient check(RegisteredClient client, String secret) {
        if (client == null || !client.enabled()) {
            throw OAuthError.invalidClient(WRONG);
        }
        if (secret == null) {
            if (client.isConfidential()) {
                throw OAuthError.invalidClient("This client must authenticate.");
            }
            return client;
        }
        // A public client has no secret, so any secret it sends is wrong.
        if (!client.isConfidential() || !client.secretMatches(secret)) {
            throw OAuthError.invalidClient(WRONG);
        }
        return client;
    }

    static Credentials credentials(MultivaluedMap<String, String> form, String authorization) {
        boolean hasBasic = isBasic(authorization);
        String formId = FormParameters.single(form, "client_id");
        String formSecret = FormParameters.single(form, "client_secret");
        String assertionType = FormParameters.single(form, "client_assertion_type");
        String assertion = FormParameters.single(form, "client_assertion");
        int methods = (hasBasic ? 1 : 0) + (formSecret != null ? 1 : 0)
                + (assertion != null || assertionType != null ? 1 : 0);
        if (methods > 1) {
            throw OAuthError.invalidRequest("Use one client authentication method per request.");
        }
        if (hasBasic) {
            Credentials basic = basic(authorization);
            if (formId != null && !formId.equals(basic.clientId())) {
                throw OAuthError.invalidRequest("client_id differs from the client of the Authorization header.");
            }
            return basic;
        }
        if (assertion != null || assertionType != null) {
            if (!JWT_BEARER.equals(assertionType) || assertion == null) {
                throw OAuthError.invalidClient("client_assertion_type must be " + JWT_BEARER + ", with a client_assertion.");
            }
            return new Credentials(formId, null, assertion);
        }
        if (formId == null || formId.isBlank()) {
            throw OAuthError.invalidClient("Client authentication is required.");
        }
        return new Credentials(formId, formSecret, null);
    }

    private static boolean isBasic(String authorization) {
        return authorization != null && authorization.strip().regionMatches(true, 0, "Basic ", 0, 6);
    }

    /** RFC 6749 section 2.3.1: base64 of {@code id:secret}, each application/x-www-form-urlencoded first. */
    static Credentials basic(String authorization) {
        String encoded = authorization.strip().substring(6).strip();
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient(WRONG);
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw OAuthError.invalidClient(WRONG);
        }
        try {
            return new Credentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8), null);
        } catch (IllegalArgumentException e) {
            throw OAuthError.invalidClient(WRONG);
        }
    }
}
