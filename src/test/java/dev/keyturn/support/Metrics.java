package dev.keyturn.support;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's Prometheus exposition ({@code /q/metrics}), read as a user of the metrics reads it. */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    private Metrics() {
    }

    /** Every sample: {@code name{labels}} (labels as exposed, sorted by name) to its value. */
    public static Map<String, Double> scrape() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.find()) {
                samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                        Double.parseDouble(sample.group(3)));
            }
        }
        return samples;
    }

    /** The names of every metric exposed (the sample names: a histogram's _bucket, _count and _sum each). */
    public static Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String series : scrape().keySet()) {
            int brace = series.indexOf('{');
            names.add(brace < 0 ? series : series.substring(0, brace));
        }
        return names;
    }

    /**
     * The value of the one sample of {@code name} whose labels include each of {@code labels} ({@code "outcome=\"success\""}),
     * 0 when there is none.
     */
    public static double value(Map<String, Double> samples, String name, String... labels) {
        double found = 0;
        int matches = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String series = sample.getKey();
            if (!series.equals(name) && !series.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= series.contains(label);
            }
            if (all) {
                found = sample.getValue();
                matches++;
            }
        }
        if (matches > 1) {
            throw new IllegalArgumentException(matches + " samples of " + name + " match " + String.join(",", labels));
        }
        return found;
    }
}
