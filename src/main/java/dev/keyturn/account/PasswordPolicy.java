package dev.keyturn.account;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.ErrorCode;
import dev.keyturn.web.ProblemException;

/**
 * What makes a password acceptable, decided here and nowhere else: 8 to 128 characters, and not derived
 * from the account's own username or email.
 */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    /** @throws ProblemException {@code weak_password} with the reason */
    public void check(String password, String username, String email) {
        if (password == null) {
            throw ProblemException.validation("password", "must not be null");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            throw weak("The password must have at least " + MIN_LENGTH + " characters.");
        }
        if (length > MAX_LENGTH) {
            throw weak("The password must have at most " + MAX_LENGTH + " characters.");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (username != null && username.length() >= 3 && lower.contains(username.toLowerCase(Locale.ROOT))) {
            throw weak("The password must not contain the username.");
        }
        String local = email == null ? null : email.substring(0, Math.max(0, email.indexOf('@')));
        if (local != null && local.length() >= 3 && lower.contains(local.toLowerCase(Locale.ROOT))) {
            throw weak("The password must not contain the email address.");
        }
        if (password.codePoints().distinct().count() < 4) {
            throw weak("The password repeats too few different characters.");
        }
    }

    private static ProblemException weak(String reason) {
        return new ProblemException(ErrorCode.WEAK_PASSWORD, reason);
    }
}
