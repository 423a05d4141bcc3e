package dev.keyturn.token;

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

/**
 * Authorization-server metadata (OpenID Connect Discovery 1.0 and RFC 8414, one document at both well-known
 * addresses), so that a JWT validator configured with nothing but the issuer URL finds the keys.
 * <p>
 * Keyturn issues its tokens through its own JSON API ({@code /auth/login}, {@code /auth/refresh}), not through OAuth
 * authorization or token endpoints. The document therefore names no {@code authorization_endpoint} and no
 * {@code token_endpoint}, and says so with empty {@code response_types_supported} and {@code grant_types_supported}
 * (left out, RFC 8414 would default them to the authorization-code and implicit grants, which Keyturn does not
 * offer). Resource servers need only {@code issuer} and {@code jwks_uri}; quarkus-oidc in {@code service} mode, Spring
 * Security's resource server and jose's remote JWK set all work from those two.
 */
@Path("/.well-known")
@Tag(name = "Discovery")
public class DiscoveryResource {

    /** Every claim an access token carries (docs/api.md, "Tokens"). */
    static final List<String> CLAIMS = List.of("iss", "aud", "sub", "exp", "iat", "jti", "sid", "roles",
            "preferred_username", "email", "email_verified");

    private final Map<String, Object> metadata;

    public DiscoveryResource(TokenConfig config, KeyRing keys) {
        String issuer = config.issuer();
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        // Every algorithm that may have signed a live access token: the current key's first, then those of the keys
        // still trusted after a rotation.
        List<String> algorithms = keys.verificationKeys().stream()
                .map(key -> key.algorithm().getAlgorithm())
                .distinct()
                .toList();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("jwks_uri", base + "/.well-known/jwks.json");
        document.put("revocation_endpoint", base + "/oauth/revoke");
        // Public clients (browsers, apps) revoke their own refresh token: holding it is the proof.
        document.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        document.put("introspection_endpoint", base + "/oauth/introspect");
        // Configured introspection clients use HTTP Basic; an admin's Bearer access token is also accepted.
        document.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        document.put("response_types_supported", List.of());
        document.put("grant_types_supported", List.of());
        document.put("subject_types_supported", List.of("public"));
        // Keyturn issues no ID tokens; validators that pick the allowed algorithms from discovery read this field.
        document.put("id_token_signing_alg_values_supported", algorithms);
        // Authorisation is carried by the roles claim, not by OAuth scopes.
        document.put("scopes_supported", List.of());
        document.put("claims_supported", CLAIMS);
        document.put("service_documentation", base + "/q/swagger-ui");
        // Kept in insertion order so that the document reads issuer first.
        this.metadata = Collections.unmodifiableMap(document);
    }

    @GET
    @Path("/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "OpenID Connect discovery document",
            description = "issuer, jwks_uri, revocation and introspection endpoints and supported algorithms: enough for "
                    + "a JWT validator to find the verification keys from the issuer URL alone.")
    @APIResponse(responseCode = "200", description = "Provider metadata")
    public Response openidConfiguration() {
        return document();
    }

    @GET
    @Path("/oauth-authorization-server")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "OAuth 2.0 authorization server metadata (RFC 8414)",
            description = "The same document as /.well-known/openid-configuration.")
    @APIResponse(responseCode = "200", description = "Authorization server metadata")
    public Response oauthAuthorizationServer() {
        return document();
    }

    private Response document() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(metadata).cacheControl(cache).build();
    }
}
