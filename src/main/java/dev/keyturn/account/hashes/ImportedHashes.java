package dev.keyturn.account.hashes;

import java.util.Map;

/**
 * Password hashes as other systems export them, read into what Keyturn stores (docs/api.md, "Hash formats"). Bounds
 * protect the service: a hash whose parameters would make each login take seconds, or hold more memory than the heap
 * can spare, is refused at import rather than met at login.
 */
public final class ImportedHashes {

    private static final String OWN_PREFIX = "{bcrypt-sha256}";

    private ImportedHashes() {
    }

    /**
     * A hash string: a bcrypt string ({@code $2a$}, {@code $2b$}, {@code $2y$}, optionally with Spring's {@code {bcrypt}}
     * prefix) is bcrypt of the password itself; {@code {bcrypt-sha256}$2…} is Keyturn's own (a bare bcrypt string from
     * another Keyturn's database needs that prefix); PHC strings of argon2id, pbkdf2-sha256 and pbkdf2-sha512.
     */
    public static PasswordHash fromString(String value) throws UnreadableHashException {
        String hash = value == null ? "" : value.strip();
        if (BcryptStrings.looksLikeBcrypt(hash)) {
            return PlainBcrypt.of(hash);
        }
        if (hash.startsWith(PlainBcrypt.PREFIX)) {
            return PlainBcrypt.of(hash.substring(PlainBcrypt.PREFIX.length()));
        }
        if (hash.startsWith(OWN_PREFIX)) {
            return KeyturnBcrypt.read(hash.substring(OWN_PREFIX.length()));
        }
        if (hash.startsWith("$argon2")) {
            return Argon2idHash.read(hash);
        }
        if (hash.startsWith("$pbkdf2")) {
            return Pbkdf2Hash.read(hash);
        }
        throw new UnreadableHashException("password_hash is not a supported format (bcrypt $2a$/$2b$/$2y$, "
                + "{bcrypt-sha256}, or a PHC string of argon2id, pbkdf2-sha256 or pbkdf2-sha512)");
    }

    /**
     * A Keycloak password credential, from its {@code credentialData} ({@code algorithm}, {@code hashIterations},
     * {@code additionalParameters}) and {@code secretData} ({@code value}, {@code salt}; both base64).
     *
     * @param parameters Keycloak's {@code additionalParameters}, each the first of its values
     */
    public static PasswordHash fromKeycloak(String algorithm, int hashIterations, Map<String, String> parameters,
            String salt, String value) throws UnreadableHashException {
        if (algorithm == null || value == null) {
            throw new UnreadableHashException("credentialData.algorithm and secretData.value are required");
        }
        switch (algorithm) {
            case "pbkdf2-sha256", "pbkdf2-sha512" -> {
                HashScheme scheme = algorithm.endsWith("512") ? HashScheme.PBKDF2_SHA512 : HashScheme.PBKDF2_SHA256;
                return Pbkdf2Hash.checked(scheme, hashIterations, saltOf(salt), PhcString.base64(value, "hash"));
            }
            case "argon2" -> {
                return keycloakArgon2(hashIterations, parameters, saltOf(salt), PhcString.base64(value, "hash"));
            }
            case "bcrypt" -> {
                return PlainBcrypt.of(value);
            }
            default -> throw new UnreadableHashException("Keycloak algorithm '" + algorithm
                    + "' is not supported (pbkdf2-sha256, pbkdf2-sha512, argon2, bcrypt)");
        }
    }

    /** Keycloak's Argon2 provider: type id, version 1.3, hashLength 32, memory 7168 KiB, 5 iterations, parallelism 1. */
    private static PasswordHash keycloakArgon2(int iterations, Map<String, String> parameters, byte[] salt, byte[] hash)
            throws UnreadableHashException {
        String type = parameters.getOrDefault("type", "id");
        if (!"id".equals(type)) {
            throw new UnreadableHashException("only argon2 type id is supported, not " + type);
        }
        int version = switch (parameters.getOrDefault("version", "1.3")) {
            case "1.3" -> 19;
            case "1.0" -> 16;
            default -> throw new UnreadableHashException("argon2 version " + parameters.get("version") + " is unknown");
        };
        int hashLength = number(parameters.getOrDefault("hashLength", Integer.toString(hash.length)), "hashLength");
        if (hashLength != hash.length) {
            throw new UnreadableHashException("argon2 hashLength " + hashLength + " differs from the value's "
                    + hash.length + " bytes");
        }
        return Argon2idHash.checked(number(parameters.getOrDefault("memory", "7168"), "memory"), iterations,
                number(parameters.getOrDefault("parallelism", "1"), "parallelism"), version, salt, hash);
    }

    private static byte[] saltOf(String salt) throws UnreadableHashException {
        if (salt == null) {
            throw new UnreadableHashException("secretData.salt is required");
        }
        return PhcString.base64(salt, "salt");
    }

    private static int number(String value, String what) throws UnreadableHashException {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new UnreadableHashException("argon2 " + what + " is not a number");
        }
    }
}
