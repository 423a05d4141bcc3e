package dev.keyturn.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median times of wrong-password logins on a known and an unknown email, interleaved so that drift on a busy machine
 * hits both alike, after a warm-up: what an attacker enumerating accounts by timing would measure.
 */
public final class LoginTimes {

    private LoginTimes() {
    }

    /** The two medians, in milliseconds. */
    public record Medians(double knownMillis, double unknownMillis) {

        public double difference() {
            return Math.abs(knownMillis - unknownMillis);
        }

        public double larger() {
            return Math.max(knownMillis, unknownMillis);
        }

        @Override
        public String toString() {
            return String.format("median wrong-password %.1f ms vs unknown-email %.1f ms", knownMillis, unknownMillis);
        }
    }

    public static Medians of(String knownEmail, String unknownEmail, int rounds) {
        for (int i = 0; i < 5; i++) {
            Api.login(knownEmail, "warm up wrong password");
            Api.login(unknownEmail, "warm up wrong password");
        }
        List<Long> known = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            known.add(timed(knownEmail));
            missing.add(timed(unknownEmail));
        }
        return new Medians(median(known) / 1e6, median(missing) / 1e6);
    }

    private static long timed(String email) {
        long start = System.nanoTime();
        Api.login(email, "a wrong password").then().statusCode(401);
        return System.nanoTime() - start;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return (sorted.get(sorted.size() / 2) + sorted.get((sorted.size() - 1) / 2)) / 2.0;
    }
}
