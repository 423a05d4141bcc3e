package dev.keyturn.account;

import java.text.Normalizer;
import java.util.Locale;

/** The single definition of "the same email address". */
public final class EmailAddress {

    private EmailAddress() {
    }

    /** Trimmed, NFKC-normalised and lower-cased, so that look-alike spellings of one address collide. */
    public static String normalize(String email) {
        if (email == null) {
            return null;
        }
        return Normalizer.normalize(email.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
