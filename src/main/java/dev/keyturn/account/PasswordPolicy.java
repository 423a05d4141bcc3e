package dev.keyturn.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * What makes a password acceptable, decided here and nowhere else:
 * <ul>
 * <li>8 to 128 characters (code points); every byte counts, however long (see {@link PasswordHasher});</li>
 * <li>not containing the account's username or the local part of its email;</li>
 * <li>hard enough to guess by zxcvbn's estimate (Dropbox's zxcvbn, in zxcvbn4j): a score of at least
 * {@code keyturn.passwords.min-strength} (default 2, over about 10^6 guesses), measured against common
 * passwords, names, English words, keyboard patterns, sequences, dates, and the account's own username
 * and email. Long passphrases of ordinary words pass; "Summer2024!" does not.</li>
 * </ul>
 * A refusal is 400 {@code weak_password} whose detail is the reason (zxcvbn's warning and suggestions).
 * zxcvbn takes up to about 100 ms on a long password, so it runs on {@link PasswordWorkers}, never on an event loop.
 */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    private final Zxcvbn zxcvbn = new Zxcvbn();
    private final PasswordWorkers workers;
    private final int minStrength;

    public PasswordPolicy(PasswordWorkers workers, PasswordConfig config) {
        this.workers = workers;
        this.minStrength = config.minStrength();
    }

    /** Fails with {@code weak_password} (or {@code validation_failed} for no password at all) and the reason. */
    public Uni<Void> check(String password, String username, String email) {
        try {
            checkShape(password, username, email);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return workers.run(() -> {
            checkStrength(password, username, email);
            return null;
        }).replaceWithVoid();
    }

    private static void checkShape(String password, String username, String email) {
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
        String local = localPart(email);
        if (local != null && local.length() >= 3 && lower.contains(local.toLowerCase(Locale.ROOT))) {
            throw weak("The password must not contain the email address.");
        }
    }

    private void checkStrength(String password, String username, String email) {
        List<String> userInputs = new ArrayList<>();
        for (String input : new String[] { username, email, localPart(email), "keyturn" }) {
            if (input != null && !input.isBlank()) {
                userInputs.add(input.toLowerCase(Locale.ROOT));
            }
        }
        Strength strength = zxcvbn.measure(password, userInputs);
        if (strength.getScore() >= minStrength) {
            return;
        }
        StringBuilder reason = new StringBuilder("The password is too easy to guess.");
        String warning = strength.getFeedback().getWarning(Locale.ENGLISH);
        if (warning != null && !warning.isBlank()) {
            reason.append(' ').append(warning);
        }
        for (String suggestion : strength.getFeedback().getSuggestions(Locale.ENGLISH)) {
            reason.append(' ').append(suggestion);
        }
        throw weak(reason.toString());
    }

    private static String localPart(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        return at < 0 ? email : email.substring(0, at);
    }

    private static ProblemException weak(String reason) {
        return new ProblemException(ErrorCode.WEAK_PASSWORD, reason);
    }
}
