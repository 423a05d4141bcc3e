package dev.keyturn.monitoring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** deploy/monitoring/: the Grafana dashboard and the Prometheus alert rules, and the PromQL in them. */
final class MonitoringFiles {

    static final Path DASHBOARD = Path.of("deploy/monitoring/keyturn-dashboard.json");
    static final Path ALERTS = Path.of("deploy/monitoring/keyturn-alerts.yaml");

    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    private MonitoringFiles() {
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    static JsonNode alerts() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every PromQL expression, named by where it is: dashboard targets and alert rules. */
    static Map<String, String> expressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard())) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode group : alerts().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        return expressions;
    }

    /** The expression with Grafana's variables replaced by what Prometheus would get, so that PromQL tools read it. */
    static String asPromQl(String expression) {
        return expression.replace("$__rate_interval", "5m").replace("$__range", "1h").replace("$instance", ".*");
    }

    /**
     * The metric names a PromQL expression reads: identifiers that are not a function (followed by '('), a keyword, a
     * label (inside braces or after by/without/on/ignoring), a string or a duration.
     */
    static Set<String> metricNames(String expression) {
        String bare = expression.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group();
            String rest = bare.substring(identifier.end()).stripLeading();
            if (!rest.startsWith("(") && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }
}
