package dev.keyturn.account.hashes;

import java.util.Locale;

/**
 * The password-hash schemes Keyturn reads. New hashes are made in one of the first two ({@link HashSettings}); the
 * others arrive by import and are replaced by the configured scheme at the account's first successful login.
 */
public enum HashScheme {
    /** Keyturn's own: bcrypt over the base64 SHA-256 digest of the password, so that no byte past the 72nd is lost. */
    BCRYPT_SHA256,
    /** Argon2id (RFC 9106), stored as a PHC string. */
    ARGON2ID,
    /** bcrypt of the password itself, as Node and Spring applications store it (bcrypt reads 72 bytes at most). */
    BCRYPT,
    /** PBKDF2 with HMAC-SHA-256 (Keycloak's {@code pbkdf2-sha256}), stored as a PHC string. */
    PBKDF2_SHA256,
    /** PBKDF2 with HMAC-SHA-512 (Keycloak's {@code pbkdf2-sha512}), stored as a PHC string. */
    PBKDF2_SHA512;

    /** The scheme's name in configuration, metrics ({@code scheme} tag) and the docs: {@code bcrypt-sha256}, … */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The scheme a configuration value names ({@code bcrypt} means Keyturn's own bcrypt-sha256), or an exception. */
    public static HashScheme configured(String value) {
        return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
            case "bcrypt", "bcrypt-sha256" -> BCRYPT_SHA256;
            case "argon2id" -> ARGON2ID;
            default -> throw new IllegalArgumentException(
                    "KEYTURN_PASSWORD_HASH_SCHEME must be bcrypt or argon2id, not '" + value + "'");
        };
    }
}
