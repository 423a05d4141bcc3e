package dev.keyturn.oauth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.keyturn.oauth.clients.GrantType;
import dev.keyturn.token.KeyRing;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.TokenConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Authorization-server metadata (OpenID Connect Discovery 1.0 and RFC 8414, one document at both well-known
 * addresses), so that a JWT validator configured with nothing but the issuer URL finds the keys.
 * <p>
 * Keyturn has a token endpoint ({@code password}, {@code refresh_token}, {@code client_credentials}) and no
 * authorization endpoint: the document names no {@code authorization_endpoint} and says so with an empty
 * {@code response_types_supported} (left out, RFC 8414 would default it to {@code code}, which Keyturn does not offer).
 * {@code scopes_supported} is read on each request: the scopes that enabled registered clients may ask for.
 * Resource servers need only {@code issuer} and {@code jwks_uri}; quarkus-oidc in {@code service} mode, Spring
 * Security's resource server and jose's remote JWK set all work from those two.
 */
@Path("/.well-known")
@Tag(name = "Discovery")
public class DiscoveryResource {

    /** Every claim an access token carries (docs/api.md, "Tokens"). */
    static final List<String> CLAIMS = List.of("iss", "aud", "sub", "exp", "iat", "jti", "sid", "roles",
            "preferred_username", "email", "email_verified", "amr", "acr", "auth_time", "client_id", "scope");

    private final Map<String, Object> metadata;

    private static final String SCOPES = """
            SELECT DISTINCT scope FROM oauth_clients, unnest(scopes) AS scope WHERE enabled ORDER BY scope
            """;

    private final Pool pool;

    public DiscoveryResource(TokenConfig config, KeyRing keys, Pool pool) {
        this.pool = pool;
        String issuer = config.issuer();
        String base = base(config);
        // Every algorithm that may have signed a live access token: the current key's first, then those of the keys
        // still trusted after a rotation.
        List<String> algorithms = keys.verificationKeys().stream()
                .map(key -> key.algorithm().getAlgorithm())
                .distinct()
                .toList();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", base + "/.well-known/jwks.json");
        document.put("token_endpoint", base + "/oauth/token");
        document.put("token_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
        document.put("token_endpoint_auth_signing_alg_values_supported", ClientAssertions.ALGORITHMS);
        document.put("grant_types_supported", GrantType.NAMES);
        document.put("revocation_endpoint", base + "/oauth/revoke");
        // Holding a refresh token is the proof for its own revocation ("none"); a client's own credentials also do.
        document.put("revocation_endpoint_auth_methods_supported",
                List.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt"));
        document.put("introspection_endpoint", base + "/oauth/introspect");
        // Registered confidential clients and configured introspection clients use HTTP Basic; an admin's Bearer
        // access token is also accepted.
        document.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        document.put("response_types_supported", List.of());
        document.put("subject_types_supported", List.of("public"));
        // Keyturn issues no ID tokens; validators that pick the allowed algorithms from discovery read this field.
        document.put("id_token_signing_alg_values_supported", algorithms);
        document.put("scopes_supported", List.of());
        document.put("acr_values_supported", List.of(Authentication.PASSWORD, Authentication.MULTI_FACTOR));
        document.put("claims_supported", CLAIMS);
        document.put("service_documentation", base + "/q/swagger-ui");
        // Kept in insertion order so that the document reads issuer first.
        this.metadata = Collections.unmodifiableMap(document);
    }

    /** The issuer without a trailing slash, to which the endpoints' paths are appended. */
    static String base(TokenConfig config) {
        String issuer = config.issuer();
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    @GET
    @Path("/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "OpenID Connect discovery document",
            description = "issuer, jwks_uri, the token, revocation and introspection endpoints with their grant types, "
                    + "authentication methods and algorithms, and the registered scopes: enough for a JWT validator to "
                    + "find the keys, and for an OAuth client library to find the token endpoint, from the issuer URL alone.")
    @APIResponse(responseCode = "200", description = "Provider metadata")
    public Uni<Response> openidConfiguration() {
        return document();
    }

    @GET
    @Path("/oauth-authorization-server")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "OAuth 2.0 authorization server metadata (RFC 8414)",
            description = "The same document as /.well-known/openid-configuration.")
    @APIResponse(responseCode = "200", description = "Authorization server metadata")
    public Uni<Response> oauthAuthorizationServer() {
        return document();
    }

    private Uni<Response> document() {
        return pool.preparedQuery(SCOPES).execute().map(rows -> {
            List<String> scopes = new ArrayList<>();
            rows.forEach(row -> scopes.add(row.getString("scope")));
            Map<String, Object> document = new LinkedHashMap<>(metadata);
            document.put("scopes_supported", scopes);
            return answer(document, 300);
        }).onFailure().recoverWithItem(() -> {
            // Without the database the keys must still be found (verifiers keep working through an outage); the
            // scopes are left out rather than guessed, and the answer is not to be cached for long.
            Map<String, Object> document = new LinkedHashMap<>(metadata);
            document.remove("scopes_supported");
            return answer(document, 10);
        });
    }

    private static Response answer(Map<String, Object> document, int maxAge) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(maxAge);
        return Response.ok(document).cacheControl(cache).build();
    }
}
