package dev.keyturn.webhook;

import java.security.SecureRandom;
import java.util.Base64;

import dev.keyturn.web.problem.ProblemException;

/**
 * Signing secrets in the Standard Webhooks form: {@code whsec_} and the base64 of 24 to 64 random bytes (the HMAC key).
 * The service makes 32-byte ones; an admin may bring one of that form (e.g. to keep a receiver's configuration).
 */
final class WebhookSecrets {

    static final String PREFIX = "whsec_";
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;
    private static final int GENERATED_BYTES = 32;

    private WebhookSecrets() {
    }

    static String generate() {
        byte[] key = new byte[GENERATED_BYTES];
        // one per secret (made rarely): a static instance would be made while the native image is built
        new SecureRandom().nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** @return the secret, if it has the form; else validation_failed on {@code field} */
    static String check(String secret, String field) {
        byte[] key = null;
        if (secret.startsWith(PREFIX)) {
            try {
                key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw ProblemException.validation(field, "must be whsec_ followed by the base64 of " + MIN_BYTES + " to "
                    + MAX_BYTES + " random bytes");
        }
        return secret;
    }
}
