package dev.keyturn.account.hashes;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PHC string format ({@code $id[$v=version][$param=value,…]$salt$hash}, salt and hash in base64 without padding),
 * as password-hashing libraries write Argon2 (the reference implementation, argon2-cffi, Spring's Argon2PasswordEncoder,
 * password4j) and, for PBKDF2, as Keyturn stores it. Only what Keyturn reads: an id, an optional version, parameters,
 * a salt and a hash, each required where the scheme needs it.
 */
record PhcString(String id, Integer version, Map<String, String> parameters, byte[] salt, byte[] hash) {

    static PhcString parse(String value) throws UnreadableHashException {
        String[] fields = value.split("\\$", -1);
        // "", id, [v=..], [params], salt, hash
        if (fields.length < 4 || fields.length > 6 || !fields[0].isEmpty() || fields[1].isEmpty()) {
            throw new UnreadableHashException("not a PHC string ($id$…$salt$hash)");
        }
        int next = 2;
        Integer version = null;
        if (fields[next].startsWith("v=")) {
            version = number(fields[next].substring(2), "version");
            next++;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (fields.length - next == 3) {
            for (String parameter : fields[next].split(",", -1)) {
                int equals = parameter.indexOf('=');
                if (equals <= 0 || parameters.put(parameter.substring(0, equals), parameter.substring(equals + 1)) != null) {
                    throw new UnreadableHashException("malformed PHC parameters");
                }
            }
            next++;
        }
        if (fields.length - next != 2) {
            throw new UnreadableHashException("not a PHC string ($id$…$salt$hash)");
        }
        return new PhcString(fields[1], version, parameters, base64(fields[next], "salt"), base64(fields[next + 1], "hash"));
    }

    int intParameter(String name) throws UnreadableHashException {
        String value = parameters.get(name);
        if (value == null) {
            throw new UnreadableHashException("PHC parameter " + name + " is missing");
        }
        return number(value, name);
    }

    static String format(String id, Integer version, String parameters, byte[] salt, byte[] hash) {
        Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
        return "$" + id + (version == null ? "" : "$v=" + version) + "$" + parameters + "$" + encoder.encodeToString(salt)
                + "$" + encoder.encodeToString(hash);
    }

    private static int number(String value, String what) throws UnreadableHashException {
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            throw new UnreadableHashException("PHC " + what + " is not a number");
        }
        return Integer.parseInt(value);
    }

    /** Standard base64; PHC leaves the padding out, and some writers put it in: both are read. */
    static byte[] base64(String value, String what) throws UnreadableHashException {
        if (value.isEmpty()) {
            throw new UnreadableHashException("the " + what + " is empty");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new UnreadableHashException("the " + what + " is not base64");
        }
    }
}
