package dev.keyturn.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jboss.logging.Logger;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Reads the keys a deployment configures (PEM text or file, base64 secret) and refuses, at start-up and with the
 * variable's name and the command that fixes it, anything Keyturn could not sign or verify with later.
 */
final class ConfiguredKeys {

    private static final Logger LOG = Logger.getLogger(ConfiguredKeys.class);
    static final int MIN_SECRET_BYTES = 32;

    private ConfiguredKeys() {
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
    static SignatureAlgorithm algorithmOf(PublicKey key) {
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
    static List<PublicKey> publicKeys(String source) {
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
    static void requireMatchingPair(KeyPair pair, SignatureAlgorithm algorithm, String variable) {
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
                throw new IllegalStateException(variable + ": the public key does not belong to the private key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(variable + " is not a usable " + algorithm + " key pair", e);
        }
    }

    /** @param variable the setting the PEM came from, named in every refusal */
    static KeyPair keyPair(String source, SignatureAlgorithm algorithm, String variable) {
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        for (PemBlocks.Block block : PemBlocks.read(source)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> privateKey = decodePrivateKey(block.pem(), algorithm, variable);
                case "PUBLIC KEY" -> publicKey = decodePublicKey(block.pem());
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalStateException(
                        variable + " must be PKCS#8 (BEGIN PRIVATE KEY); convert it with "
                                + "'openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem'");
                default -> {
                }
            }
        }
        if (privateKey == null) {
            throw new IllegalStateException(variable + " holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        if (publicKey == null && privateKey instanceof RSAPrivateCrtKey rsa) {
            publicKey = rsaPublicKey(rsa);
        }
        if (publicKey == null) {
            throw new IllegalStateException("For " + algorithm + ", " + variable + " must also hold the public key "
                    + "(append the output of 'openssl pkey -in key.pem -pubout')");
        }
        return new KeyPair(publicKey, privateKey);
    }

    static PrivateKey decodePrivateKey(String pem, SignatureAlgorithm algorithm, String variable) {
        try {
            return KeyUtils.decodePrivateKey(KeyUtils.removePemKeyBeginEnd(pem), algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(variable + " is not a valid " + algorithm + " private key", e);
        }
    }

    static PublicKey decodePublicKey(String pem) {
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

    static PublicKey rsaPublicKey(RSAPrivateCrtKey key) {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] secret(String encoded) {
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

    /** A signing key pair whose algorithm the key itself says: RS256 for RSA, ES256 for EC (with its public key). */
    static KeyPair keyPairOfEitherAlgorithm(String source, String variable) {
        for (PemBlocks.Block block : PemBlocks.read(source)) {
            if (block.label().equals("PUBLIC KEY")) {
                return keyPair(source, algorithmOf(decodePublicKey(block.pem())), variable);
            }
        }
        return keyPair(source, SignatureAlgorithm.RS256, variable);
    }
}
