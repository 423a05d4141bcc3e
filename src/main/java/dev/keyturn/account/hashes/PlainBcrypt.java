package dev.keyturn.account.hashes;

import io.quarkus.elytron.security.common.BcryptUtil;

/**
 * bcrypt of the password itself, as Node ({@code bcrypt}, {@code bcryptjs}) and Spring Security
 * ({@code BCryptPasswordEncoder}) store it: only the first 72 bytes of the password count. Stored with Spring's
 * {@code {bcrypt}} prefix, so that it is never taken for Keyturn's own {@link KeyturnBcrypt}, which is a bare bcrypt
 * string. Imported only; replaced by the configured scheme at the first successful login.
 */
public record PlainBcrypt(String stored, int cost) implements PasswordHash {

    static final String PREFIX = "{bcrypt}";

    /** @param bcrypt the bare bcrypt string ({@code $2a$}, {@code $2b$} or {@code $2y$}) */
    static PlainBcrypt of(String bcrypt) throws UnreadableHashException {
        return new PlainBcrypt(PREFIX + bcrypt, BcryptStrings.cost(bcrypt));
    }

    @Override
    public HashScheme scheme() {
        return HashScheme.BCRYPT;
    }

    @Override
    public boolean matches(String password, Argon2Memory memory) {
        return BcryptUtil.matches(password, BcryptStrings.forBcryptUtil(stored.substring(PREFIX.length())));
    }
}
