package dev.keyturn.account.hashes;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The modular-crypt bcrypt string, {@code $2a$10$} + 22 characters of salt + 31 of hash, in its three versions. */
final class BcryptStrings {

    private static final Pattern BCRYPT = Pattern.compile("^\\$2([aby])\\$(\\d\\d)\\$[./A-Za-z0-9]{53}$");
    static final int MIN_COST = 4;
    /** About 1.1 s of one core per login at 14 (each step doubles it): more would let one import slow every login. */
    static final int MAX_COST = 14;

    private BcryptStrings() {
    }

    static boolean looksLikeBcrypt(String value) {
        return value.startsWith("$2a$") || value.startsWith("$2b$") || value.startsWith("$2y$");
    }

    /** @return the cost of a well-formed bcrypt string within the accepted costs */
    static int cost(String value) throws UnreadableHashException {
        Matcher matcher = BCRYPT.matcher(value);
        if (!matcher.matches()) {
            throw new UnreadableHashException("not a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost, 53 characters)");
        }
        int cost = Integer.parseInt(matcher.group(2));
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new UnreadableHashException("bcrypt cost " + cost + " is outside " + MIN_COST + " to " + MAX_COST);
        }
        return cost;
    }

    /**
     * The string as Elytron's BcryptUtil reads it: {@code $2b$} (OpenBSD's name since 2014) and {@code $2y$}
     * (crypt_blowfish's) compute what a correct {@code $2a$} computes for every password shorter than 255 bytes, and
     * Keyturn's passwords are far shorter. BcryptUtil knows {@code $2a$} and {@code $2y$} only.
     */
    static String forBcryptUtil(String value) {
        return value.startsWith("$2b$") ? "$2a$" + value.substring(4) : value;
    }
}
