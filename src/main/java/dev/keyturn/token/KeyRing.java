package dev.keyturn.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
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
    /** How long verifiers may cache the JWK Set (its Cache-Control max-age, {@link JwksResource}). */
    static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);

    private final SigningKey current;
    /** The key that takes over signing at {@link #nextFrom}, published in the JWKS from start-up on; or null. */
    private final SigningKey next;
    private final Instant nextFrom;
    private final Map<String, VerificationKey> verificationKeys;
    private final SecretKey refreshTokenKey;
    private final byte[] childIdSecret;
    private final byte[] singleUseSecret;
    private final byte[] refreshSecret;

    /** A public key that verifies access tokens, with the algorithm it is used with. */
    public record VerificationKey(String kid, SignatureAlgorithm algorithm, PublicKey key) {
    }

    /** The private key that signs access tokens, with its key id and algorithm. */
    public record SigningKey(String kid, SignatureAlgorithm algorithm, PrivateKey key) {
    }

    public KeyRing(KeyConfig config, CryptoProvider crypto) {
        SignatureAlgorithm signingAlgorithm = ConfiguredKeys.algorithm(config.signingAlgorithm());
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

        KeyPair signing = config.signingKey()
                .map(pem -> ConfiguredKeys.keyPair(pem, signingAlgorithm, "KEYTURN_SIGNING_KEY"))
                .orElseGet(() -> GeneratedKeys.keyPair(signingAlgorithm));
        if (ConfiguredKeys.algorithmOf(signing.getPublic()) != signingAlgorithm) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY is not a " + signingAlgorithm + " key");
        }
        ConfiguredKeys.requireMatchingPair(signing, signingAlgorithm, "KEYTURN_SIGNING_KEY");
        this.current = new SigningKey(thumbprint(signing.getPublic()), signingAlgorithm,
                crypto.forSigning(signing.getPrivate()));

        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        keys.put(current.kid(), new VerificationKey(current.kid(), signingAlgorithm, signing.getPublic()));
        if (config.nextSigningKey().isPresent() != config.nextSigningKeyFrom().isPresent()) {
            throw new IllegalStateException("Set both KEYTURN_NEXT_SIGNING_KEY and KEYTURN_NEXT_SIGNING_KEY_FROM "
                    + "(the instant it starts signing, e.g. 2027-01-01T00:00:00Z), or neither");
        }
        if (config.nextSigningKey().isPresent()) {
            KeyPair pair = ConfiguredKeys.keyPairOfEitherAlgorithm(config.nextSigningKey().get(),
                    "KEYTURN_NEXT_SIGNING_KEY");
            SignatureAlgorithm algorithm = ConfiguredKeys.algorithmOf(pair.getPublic());
            ConfiguredKeys.requireMatchingPair(pair, algorithm, "KEYTURN_NEXT_SIGNING_KEY");
            this.next = new SigningKey(thumbprint(pair.getPublic()), algorithm, crypto.forSigning(pair.getPrivate()));
            if (next.kid().equals(current.kid())) {
                throw new IllegalStateException("KEYTURN_NEXT_SIGNING_KEY is the current signing key");
            }
            this.nextFrom = instant(config.nextSigningKeyFrom().get());
            keys.put(next.kid(), new VerificationKey(next.kid(), algorithm, pair.getPublic()));
            Duration lead = Duration.between(Instant.now(), nextFrom);
            if (!lead.isNegative() && lead.compareTo(JWKS_MAX_AGE) < 0) {
                // Verifiers may hold the JWK Set for its max-age: one fetched just before this start lacks the key.
                LOG.warnf("KEYTURN_NEXT_SIGNING_KEY_FROM is only %d s away, less than the JWK Set's max-age (%d s): a "
                        + "verifier with a cached key set may meet the new key id before it has it", lead.toSeconds(),
                        JWKS_MAX_AGE.toSeconds());
            }
        } else {
            this.next = null;
            this.nextFrom = null;
        }
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
        this.refreshSecret = secret.clone();
        // Key ids are public (they are in the JWKS); logging them lets an operator follow a rotation.
        LOG.infof("Access tokens are signed with %s key %s%s; %d key(s) verify them: %s", current.algorithm(),
                current.kid(),
                next == null ? "" : ", and from " + nextFrom + " with " + next.algorithm() + " key " + next.kid(),
                verificationKeys.size(), String.join(", ", verificationKeys.keySet()));
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("KEYTURN_NEXT_SIGNING_KEY_FROM must be an ISO-8601 instant in UTC, such as "
                    + "2027-01-01T00:00:00Z, not '" + value + "'");
        }
    }

    /**
     * The key that signs an access token issued now: the current one, or the next one once its instant has come.
     * Every replica configured alike switches at the same instant, and every verifier has had the new key since
     * the replicas started.
     */
    public SigningKey signing() {
        return next != null && !Instant.now().isBefore(nextFrom) ? next : current;
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

    /**
     * A 256-bit key for {@code purpose}, derived from the refresh-token secret: for a feature whose own key is not
     * configured, so that it is still keyed by a configured secret (and by a different key than any other purpose).
     */
    public byte[] derivedKey(String purpose) {
        return hmac(refreshSecret, ("keyturn derived key\n" + purpose).getBytes(StandardCharsets.UTF_8));
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
