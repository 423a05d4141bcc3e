package dev.keyturn.ratelimit;

import java.time.Duration;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * At most {@code max} hits per {@code window}. Written in configuration as {@code max/window}, for example
 * {@code 10/PT15M} or {@code 10/15m}; {@code 0} (or {@code off}) switches the limit off.
 */
public record Limit(int max, Duration window) {

    public static final Limit OFF = new Limit(0, Duration.ofSeconds(1));

    public Limit {
        if (max < 0) {
            throw new IllegalArgumentException("a rate limit cannot be negative");
        }
        if (window == null || window.toSeconds() < 1) {
            throw new IllegalArgumentException("a rate-limit window must last at least one second");
        }
    }

    public boolean enabled() {
        return max > 0;
    }

    public static Limit parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty() || value.equals("0") || value.equalsIgnoreCase("off")) {
            return OFF;
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a rate limit is written max/window, e.g. 10/PT15M, not " + value);
        }
        int max = Integer.parseInt(value.substring(0, slash).strip());
        Duration window = DurationConverter.parseDuration(value.substring(slash + 1).strip());
        return max == 0 ? OFF : new Limit(max, window);
    }

    @Override
    public String toString() {
        return enabled() ? max + "/" + window : "off";
    }
}
