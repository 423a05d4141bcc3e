package dev.keyturn.token;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** OAuth scope strings (RFC 6749 section 3.3): space-separated, case-sensitive, order without meaning. */
public final class Scopes {

    private Scopes() {
    }

    /** The scope tokens of a string, in their order, without repeats; {@code null} and blank give none. */
    public static Set<String> parse(String scope) {
        if (scope == null || scope.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(scope.strip().split(" +")));
    }

    public static String format(Set<String> scopes) {
        return String.join(" ", scopes);
    }

    /**
     * The part of {@code held} that {@code requested} names, or all of {@code held} when nothing was requested
     * ({@code null}). A scope asked for but not held is simply not granted; the answer's {@code scope} says what was.
     */
    public static String narrow(String held, String requested) {
        if (requested == null) {
            return held;
        }
        Set<String> granted = new LinkedHashSet<>(parse(held));
        granted.retainAll(parse(requested));
        return format(granted);
    }
}
