package dev.keyturn.support;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * A resource server that knows nothing but Keyturn's JWKS URL, issuer and audience, built with Nimbus JOSE+JWT the
 * way Spring Security builds it: it fetches the JWK Set over HTTP, selects the key by {@code kid} and algorithm, and
 * checks the signature, {@code typ} with Nimbus' default rule (only {@code JWT} or none, as Spring Security's default
 * resource server), {@code iss}, {@code aud}, {@code exp} and the required claims. {@link #rfc9068} requires
 * {@code typ: at+jwt} instead.
 */
public final class RemoteVerifier {

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public RemoteVerifier(int port, String issuer, String audience) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext> create(jwksUrl(port)).retrying(false).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp", "iat", "jti", "sid", "roles")));
    }

    public static URL jwksUrl(int port) {
        try {
            return URI.create("http://localhost:" + port + "/.well-known/jwks.json").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A verifier that, like a strict RFC 9068 resource server, accepts only {@code typ: at+jwt}. */
    public static RemoteVerifier rfc9068(int port, String issuer, String audience) {
        RemoteVerifier verifier = new RemoteVerifier(port, issuer, audience);
        verifier.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        return verifier;
    }

    /** @throws Exception (Nimbus' BadJOSEException and friends) when the token does not verify */
    public JWTClaimsSet verify(String token) throws Exception {
        return processor.process(token, null);
    }
}
