package dev.keyturn.token;

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

/** The public keys that verify access tokens (RFC 7517 JWK Set). */
@Path("/.well-known/jwks.json")
@Tag(name = "Discovery")
public class JwksResource {

    private final Map<String, Object> jwks;

    public JwksResource(KeyRing keys) {
        List<Map<String, Object>> jwkList = keys.verificationKeys().stream().map(KeyRing::publicJwk).toList();
        this.jwks = Map.of("keys", jwkList);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "JWK Set of every key that may verify a live access token")
    @APIResponse(responseCode = "200", description = "The JWK Set")
    public Response jwks() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge((int) KeyRing.JWKS_MAX_AGE.toSeconds());
        return Response.ok(jwks).cacheControl(cache).build();
    }
}
