package dev.keyturn.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens that a verifier must refuse, made from a real access token: the same header ({@code kid}, {@code alg},
 * {@code typ}) and claims, changed as asked, signed either with a key of the attacker's or with Keyturn's own RS256
 * key (a token Keyturn could have issued, but expired or for another audience).
 */
public final class TokenForgery {

    private TokenForgery() {
    }

    /** The token with its claims changed by {@code claims}, signed with {@code key}. */
    public static String resign(String token, UnaryOperator<JWTClaimsSet.Builder> claims, PrivateKey key) throws Exception {
        SignedJWT original = SignedJWT.parse(token);
        SignedJWT forged = new SignedJWT(original.getHeader(),
                claims.apply(new JWTClaimsSet.Builder(original.getJWTClaimsSet())).build());
        forged.sign(new RSASSASigner(key));
        return forged.serialize();
    }

    /** A fresh RSA key that Keyturn has never seen. */
    public static PrivateKey strangerKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate();
    }

    /** The RSA private key of a PKCS#8 PEM file (the first PRIVATE KEY block). */
    public static PrivateKey readRsaKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        String base64 = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
