package dev.keyturn.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;

/**
 * Every key Keyturn signs or verifies with, loaded once at start-up.
 * <ul>
 * <li>the access-token signing key (RS256 or ES256) and the public keys that verify access tokens: the
 * current one and those of earlier keys still listed after a rotation; each {@code kid} is the key's
 * RFC 7638 thumbprint, so every replica names a key the same way without coordination;</li>
 * <li>the refresh-token secret (HS256), known only to this service, and a second secret derived from it
 * that names a refresh token's child.</li>
 * </ul>
 * Without configured keys, dev and test generate them (dev keeps them under {@code target/} so tokens
 * survive a live reload); prod refuses to start.
 */
@Startup
@ApplicationScoped
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    private final SignatureAlgorithm signingAlgorithm;
    private final String signingKeyId;
    private final PrivateKey signingKey;
    private final Map<String, VerificationKey> verificationKeys;
    private final SecretKey refreshTokenKey;
    private final byte[] childIdSecret;
    private final byte[] singleUseSecret;

    /** A public key that verifies access tokens, with the algorithm it is used with. */
    public record VerificationKey(String kid, SignatureAlgorithm algorithm, PublicKey key) {
    }

    public KeyRing(KeyConfig config) {
        this.signingAlgorithm = ConfiguredKeys.algorithm(config.signingAlgorithm());
        boolean generate = config.generateIfMissing();
        List<String> missing = new ArrayList<>();
        if (config.signingKey().isEmpty() && !generate) {
            missing.add("KEYTURN_SIGNING_KEY (PEM text or file path of the access-token signing key)");
        }
        if (config.refreshTokenSecret().isEmpty() && !generate) {
            missing.add("KEYTURN_REFRESH_TOKEN_SECRET (base64, at least 32 random bytes)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Keyturn refuses to start without its keys. Set " + String.join(" and ", missing)
                    + "; see .env.example and README.md (Configuration at a glance).");
        }

        KeyPair signing = config.signingKey().map(pem -> ConfiguredKeys.keyPair(pem, signingAlgorithm))
                .orElseGet(() -> GeneratedKeys.keyPair(signingAlgorithm));
        if (ConfiguredKeys.algorithmOf(signing.getPublic()) != signingAlgorithm) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY is not a " + signingAlgorithm + " key");
        }
        ConfiguredKeys.requireMatchingPair(signing, signingAlgorithm);
        this.signingKey = signing.getPrivate();
        this.signingKeyId = thumbprint(signing.getPublic());

        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        keys.put(signingKeyId, new VerificationKey(signingKeyId, signingAlgorithm, signing.getPublic()));
        for (String source : config.previousVerificationKeys().orElse(List.of())) {
            if (source.isBlank()) {
                continue;
            }
            for (PublicKey key : ConfiguredKeys.publicKeys(source)) {
                String kid = thumbprint(key);
                keys.putIfAbsent(kid, new VerificationKey(kid, ConfiguredKeys.algorithmOf(key), key));
            }
        }
        // Insertion order is kept: the JWKS lists the current key first.
        this.verificationKeys = java.util.Collections.unmodifiableMap(keys);

        byte[] secret = config.refreshTokenSecret().map(ConfiguredKeys::secret).orElseGet(GeneratedKeys::refreshTokenSecret);
        this.refreshTokenKey = new SecretKeySpec(secret, "HmacSHA256");
        this.childIdSecret = hmac(secret, "keyturn refresh token child id".getBytes(StandardCharsets.UTF_8));
        this.singleUseSecret = hmac(secret, "keyturn single-use secrets".getBytes(StandardCharsets.UTF_8));
        // Key ids are public (they are in the JWKS); logging them lets an operator follow a rotation.
        LOG.infof("Access tokens are signed with %s key %s; %d key(s) verify them: %s", signingAlgorithm, signingKeyId,
                verificationKeys.size(), String.join(", ", verificationKeys.keySet()));
    }

    public SignatureAlgorithm signingAlgorithm() {
        return signingAlgorithm;
    }

    public String signingKeyId() {
        return signingKeyId;
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public Optional<VerificationKey> verificationKey(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(verificationKeys.get(kid));
    }

    public List<VerificationKey> verificationKeys() {
        return List.copyOf(verificationKeys.values());
    }

    public SecretKey refreshTokenKey() {
        return refreshTokenKey;
    }

    /** The identity of a refresh token's child, derived from the parent's so the same child can be re-issued. */
    public byte[] childId(byte[] parentId) {
        return hmac(childIdSecret, parentId);
    }

    /**
     * The stored form of a secret sent by mail (verification code, reset token): a keyed hash, so a copy
     * of the database cannot be searched for the 10^6 possible codes.
     */
    public byte[] singleUseSecretHash(String purpose, String value) {
        return hmac(singleUseSecret, (purpose + '\n' + value).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String thumbprint(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException("cannot compute the key id", e);
        }
    }

    /** The public JWK of a verification key, as served in the JWKS. */
    public static Map<String, Object> publicJwk(VerificationKey key) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key.key());
            jwk.setKeyId(key.kid());
            jwk.setAlgorithm(key.algorithm().getAlgorithm());
            jwk.setUse("sig");
            return jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
