package dev.keyturn.oauth.clients;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.web.problem.ProblemException;

/** What a client registration must be, beyond the field constraints of {@link ClientRequest}. */
final class ClientRules {

    static final String CLIENT_ID = "[A-Za-z0-9._~-]+";
    /** RFC 6749 section 3.3: scope-token = 1*NQCHAR */
    static final String SCOPE_TOKEN = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientRules() {
    }

    /** A client's settings after the cross-field checks; {@code jwks} as the JSON to store. */
    record Settings(String name, String type, List<String> grantTypes, List<String> scopes, List<String> audience,
            Integer accessTokenLifetime, Integer refreshTokenLifetime, String jwks, boolean enabled) {
    }

    static Settings check(ClientRequest request) {
        List<String> grants = List.copyOf(new LinkedHashSet<>(request.grantTypes()));
        boolean isPublic = OAuthClient.PUBLIC.equals(request.type());
        if (isPublic && grants.contains(GrantType.CLIENT_CREDENTIALS.value())) {
            throw ProblemException.validation("grant_types", "a public client may not use client_credentials");
        }
        if (isPublic && request.jwks() != null) {
            throw ProblemException.validation("jwks", "a public client has no credentials");
        }
        if (isPublic && request.clientSecret() != null) {
            throw ProblemException.validation("client_secret", "a public client has no secret");
        }
        return new Settings(request.name().strip(), request.type(), grants,
                distinct(request.scopes()), distinct(request.audience()),
                request.accessTokenLifetime(), request.refreshTokenLifetime(), jwks(request.jwks()),
                request.enabled() == null || request.enabled());
    }

    private static List<String> distinct(List<String> values) {
        return values == null ? List.of() : List.copyOf(new LinkedHashSet<>(values));
    }

    /** A JWK Set of public signing keys (RSA or EC), each with a {@code kid}; never a private key. */
    static String jwks(Map<String, Object> jwks) {
        if (jwks == null) {
            return null;
        }
        String json;
        JsonWebKeySet set;
        try {
            json = JSON.writeValueAsString(jwks);
            set = new JsonWebKeySet(json);
        } catch (JsonProcessingException | JoseException | RuntimeException e) {
            throw ProblemException.validation("jwks", "must be a JWK Set (RFC 7517) of public keys");
        }
        if (set.getJsonWebKeys().isEmpty()) {
            throw ProblemException.validation("jwks", "must hold at least one key");
        }
        for (JsonWebKey key : set.getJsonWebKeys()) {
            if (!(key instanceof PublicJsonWebKey publicKey) || !(publicKey.getPublicKey() instanceof PublicKey)) {
                throw ProblemException.validation("jwks", "must hold RSA or EC public keys");
            }
            PrivateKey privateKey = publicKey.getPrivateKey();
            if (privateKey != null) {
                throw ProblemException.validation("jwks", "must not hold a private key");
            }
            if (key.getKeyId() == null || key.getKeyId().isBlank()) {
                throw ProblemException.validation("jwks", "every key needs a kid");
            }
        }
        return json;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jwksView(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JWK Set is not JSON", e);
        }
    }
}
