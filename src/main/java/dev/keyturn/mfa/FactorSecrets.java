package dev.keyturn.mfa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.token.KeyRing;

/**
 * TOTP secrets at rest: AES-256-GCM under KEYTURN_MFA_ENCRYPTION_KEY (or, unset, a key derived from the refresh-token
 * secret), with the factor's id as associated data, so that a ciphertext copied onto another factor's row does not
 * decrypt. Each ciphertext is stored with the id of its key (the first bytes of the key's SHA-256), so that keys can
 * be rotated: the previous keys still decrypt what they encrypted, and a factor is re-encrypted under the current key
 * when its secret is next used.
 */
@ApplicationScoped
public class FactorSecrets {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Key current;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A sealed secret and the id of the key that sealed it. */
    public record Sealed(byte[] ciphertext, String keyId) {
    }

    private record Key(String id, SecretKeySpec spec) {
    }

    public FactorSecrets(MfaConfig config, KeyRing keyRing) {
        this.current = config.encryptionKey().map(value -> key(value, "KEYTURN_MFA_ENCRYPTION_KEY"))
                .orElseGet(() -> key(keyRing.derivedKey("mfa factor secrets")));
        keys.put(current.id(), current);
        for (String previous : config.previousEncryptionKeys().orElse(List.of())) {
            if (!previous.isBlank()) {
                Key key = key(previous, "KEYTURN_MFA_PREVIOUS_ENCRYPTION_KEYS");
                keys.putIfAbsent(key.id(), key);
            }
        }
    }

    public Sealed seal(UUID factorId, byte[] secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(factorId));
            byte[] sealed = cipher.doFinal(secret);
            return new Sealed(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array(),
                    current.id());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a factor secret", e);
        }
    }

    /** @throws IllegalStateException when no configured key sealed it, or it was altered or moved to another factor */
    public byte[] open(UUID factorId, Sealed sealed) {
        Key key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("a factor secret was encrypted with key " + sealed.keyId()
                    + ", which is neither KEYTURN_MFA_ENCRYPTION_KEY nor one of KEYTURN_MFA_PREVIOUS_ENCRYPTION_KEYS");
        }
        byte[] bytes = sealed.ciphertext();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(factorId));
            return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a factor secret does not decrypt: altered, or not this factor's", e);
        }
    }

    /** Whether a secret sealed under {@code keyId} should be sealed again under the current key. */
    public boolean isStale(String keyId) {
        return !current.id().equals(keyId);
    }

    private static byte[] associatedData(UUID factorId) {
        return ByteBuffer.allocate(16).putLong(factorId.getMostSignificantBits())
                .putLong(factorId.getLeastSignificantBits()).array();
    }

    private static Key key(String base64, String variable) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(variable + " must be base64 (openssl rand -base64 32)");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(variable + " must be 32 bytes in base64 (openssl rand -base64 32), not "
                    + bytes.length);
        }
        return key(bytes);
    }

    private static Key key(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Key(HexFormat.of().formatHex(digest, 0, 8), new SecretKeySpec(bytes, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
