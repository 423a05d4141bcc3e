package dev.keyturn.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
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

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

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
    private static final int MIN_SECRET_BYTES = 32;
    private static final Path DEV_KEY_DIRECTORY = Path.of("target", "keyturn-dev-keys");

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
        this.signingAlgorithm = algorithm(config.signingAlgorithm());
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
                    + "; see .env.example and README (Configuration).");
        }

        KeyPair signing = config.signingKey().map(pem -> loadKeyPair(pem, signingAlgorithm))
                .orElseGet(() -> generatedKeyPair(signingAlgorithm));
        if (algorithmOf(signing.getPublic()) != signingAlgorithm) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY is not a " + signingAlgorithm + " key");
        }
        requireMatchingPair(signing, signingAlgorithm);
        this.signingKey = signing.getPrivate();
        this.signingKeyId = thumbprint(signing.getPublic());

        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        keys.put(signingKeyId, new VerificationKey(signingKeyId, signingAlgorithm, signing.getPublic()));
        for (String source : config.previousVerificationKeys().orElse(List.of())) {
            if (source.isBlank()) {
                continue;
            }
            for (PublicKey key : publicKeysOf(source)) {
                String kid = thumbprint(key);
                keys.putIfAbsent(kid, new VerificationKey(kid, algorithmOf(key), key));
            }
        }
        // Insertion order is kept: the JWKS lists the current key first.
        this.verificationKeys = java.util.Collections.unmodifiableMap(keys);

        byte[] secret = config.refreshTokenSecret().map(KeyRing::decodeSecret).orElseGet(KeyRing::generatedSecret);
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

    static SignatureAlgorithm algorithm(String name) {
        return switch (name.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "RS256" -> SignatureAlgorithm.RS256;
            case "ES256" -> SignatureAlgorithm.ES256;
            default -> throw new IllegalStateException(
                    "KEYTURN_SIGNING_ALGORITHM must be RS256 or ES256, not " + name);
        };
    }

    /**
     * The algorithm a verification key is used with, decided by the key itself: ES256 is ECDSA on P-256 only, so an
     * EC key on another curve is refused at start-up rather than failing every token later.
     */
    private static SignatureAlgorithm algorithmOf(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalStateException("an EC verification key must be on the P-256 curve (ES256)");
            }
            return SignatureAlgorithm.ES256;
        }
        return SignatureAlgorithm.RS256;
    }

    /**
     * The public keys of one entry of KEYTURN_PREVIOUS_VERIFICATION_KEYS: every PUBLIC KEY block in it. The PEM of an
     * earlier signing key (private key followed by its public key, as scripts/generate-keys.sh writes it) is accepted
     * for convenience, but only its public half is read.
     */
    private static List<PublicKey> publicKeysOf(String source) {
        List<PublicKey> found = new ArrayList<>();
        boolean privateKeySeen = false;
        for (PemBlocks.Block block : PemBlocks.read(source)) {
            if (block.label().equals("PUBLIC KEY")) {
                found.add(decodePublicKey(block.pem()));
            } else if (block.label().endsWith("PRIVATE KEY")) {
                privateKeySeen = true;
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("an entry of KEYTURN_PREVIOUS_VERIFICATION_KEYS holds no PUBLIC KEY block "
                    + "(extract one with 'openssl pkey -in old-key.pem -pubout')");
        }
        if (privateKeySeen) {
            LOG.warn("an entry of KEYTURN_PREVIOUS_VERIFICATION_KEYS also holds a private key; only its public key is used. "
                    + "Give only the public key (signing-public-key.pem) so that retired private keys can be destroyed.");
        }
        return found;
    }

    /**
     * Refuses a signing key whose PEM carries the public key of another key pair: tokens would then be signed with
     * one key and published under the id of the other, and no verifier could check them.
     */
    private static void requireMatchingPair(KeyPair pair, SignatureAlgorithm algorithm) {
        String jcaName = algorithm == SignatureAlgorithm.ES256 ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "keyturn key pair check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(jcaName);
            signer.initSign(pair.getPrivate());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(jcaName);
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("KEYTURN_SIGNING_KEY: the public key does not belong to the private key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY is not a usable " + algorithm + " key pair", e);
        }
    }

    static String thumbprint(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException("cannot compute the key id", e);
        }
    }

    private static KeyPair loadKeyPair(String source, SignatureAlgorithm algorithm) {
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        for (PemBlocks.Block block : PemBlocks.read(source)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> privateKey = decodePrivateKey(block.pem(), algorithm);
                case "PUBLIC KEY" -> publicKey = decodePublicKey(block.pem());
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalStateException(
                        "KEYTURN_SIGNING_KEY must be PKCS#8 (BEGIN PRIVATE KEY); convert it with "
                                + "'openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem'");
                default -> {
                }
            }
        }
        if (privateKey == null) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        if (publicKey == null && privateKey instanceof RSAPrivateCrtKey rsa) {
            publicKey = rsaPublicKey(rsa);
        }
        if (publicKey == null) {
            throw new IllegalStateException("For " + algorithm + ", KEYTURN_SIGNING_KEY must also hold the public key "
                    + "(append the output of 'openssl pkey -in key.pem -pubout')");
        }
        return new KeyPair(publicKey, privateKey);
    }

    private static PrivateKey decodePrivateKey(String pem, SignatureAlgorithm algorithm) {
        try {
            return KeyUtils.decodePrivateKey(KeyUtils.removePemKeyBeginEnd(pem), algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("KEYTURN_SIGNING_KEY is not a valid " + algorithm + " private key", e);
        }
    }

    private static PublicKey decodePublicKey(String pem) {
        String content = KeyUtils.removePemKeyBeginEnd(pem);
        for (SignatureAlgorithm algorithm : List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256)) {
            try {
                return KeyUtils.decodePublicKey(content, algorithm);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next key type
            }
        }
        throw new IllegalStateException("a configured verification key is neither an RSA nor an EC public key");
    }

    private static PublicKey rsaPublicKey(RSAPrivateCrtKey key) {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decodeSecret(String encoded) {
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            secret = Base64.getUrlDecoder().decode(encoded.trim());
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("KEYTURN_REFRESH_TOKEN_SECRET must decode to at least " + MIN_SECRET_BYTES
                    + " bytes (generate one with 'openssl rand -base64 32')");
        }
        return secret;
    }

    private static KeyPair generatedKeyPair(SignatureAlgorithm algorithm) {
        boolean dev = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        Path file = DEV_KEY_DIRECTORY.resolve(algorithm.name().toLowerCase(java.util.Locale.ROOT) + "-signing-key.pem");
        if (dev && Files.isRegularFile(file)) {
            LOG.infof("Using the dev %s signing key generated earlier in %s", algorithm, file);
            return loadKeyPair(file.toString(), algorithm);
        }
        try {
            KeyPair pair = KeyUtils.generateKeyPair(algorithm == SignatureAlgorithm.ES256 ? 256 : 2048, algorithm);
            if (dev) {
                writePrivate(file, PemBlocks.write("PRIVATE KEY", pair.getPrivate().getEncoded())
                        + PemBlocks.write("PUBLIC KEY", pair.getPublic().getEncoded()));
            }
            LOG.infof("Generated a %s signing key at start-up (no KEYTURN_SIGNING_KEY configured; %s only)", algorithm,
                    LaunchMode.current().getDefaultProfile());
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] generatedSecret() {
        boolean dev = LaunchMode.current() == LaunchMode.DEVELOPMENT;
        Path file = DEV_KEY_DIRECTORY.resolve("refresh-token-secret");
        try {
            if (dev && Files.isRegularFile(file)) {
                return decodeSecret(Files.readString(file));
            }
            byte[] secret = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(secret);
            if (dev) {
                writePrivate(file, Base64.getEncoder().encodeToString(secret));
            }
            LOG.infof("Generated a refresh-token secret at start-up (no KEYTURN_REFRESH_TOKEN_SECRET configured; %s only)",
                    LaunchMode.current().getDefaultProfile());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debugf("could not keep the dev key in %s", file);
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
