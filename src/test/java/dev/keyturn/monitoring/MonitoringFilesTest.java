package dev.keyturn.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * deploy/monitoring/ holds what a Grafana and a Prometheus load: checked here without either. The dashboard against
 * the rules of Grafana's dashboard schema (the "Dashboard" kind, kinds/dashboard/dashboard_kind.cue in
 * grafana/grafana, schema 0.0: Grafana publishes it in CUE, not as a JSON Schema, so its constraints are written out
 * below); the alert rules against Prometheus' rule-file format, and through {@code promtool check rules} where promtool
 * is installed (Debian's {@code prometheus} package), which also parses every dashboard query as PromQL. That every
 * name they read is a metric Keyturn exposes is MonitoringMetricsTest's (it needs the running service).
 */
class MonitoringFilesTest {

    private static final Set<String> VARIABLE_TYPES = Set.of("query", "adhoc", "constant", "datasource", "interval",
            "textbox", "custom", "system");
    /** Grafana's core panel plugins this dashboard may use. */
    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge", "bargauge", "table", "text",
            "heatmap");
    private static final Pattern DURATION = Pattern.compile("^([0-9]+(ms|s|m|h|d|w|y))+$");

    @Test
    void theDashboardHoldsToGrafanasDashboardSchema() throws IOException {
        JsonNode dashboard = MonitoringFiles.dashboard();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{8,40}");
        assertThat(dashboard.path("schemaVersion").isInt()).isTrue();
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 65535);
        assertThat(dashboard.path("editable").isBoolean()).isTrue();
        assertThat(dashboard.path("graphTooltip").asInt(-1)).isIn(0, 1, 2);
        assertThat(dashboard.path("style").asText()).isIn("dark", "light");
        assertThat(dashboard.path("time").path("from").isTextual()).isTrue();
        assertThat(dashboard.path("time").path("to").isTextual()).isTrue();
        assertThat(dashboard.path("panels").isArray()).isTrue();
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            assertThat(annotation.has("name") && annotation.has("datasource") && annotation.has("enable")
                    && annotation.has("iconColor")).as("annotation %s", annotation).isTrue();
        }
        Set<String> variables = new HashSet<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            assertThat(variable.path("type").asText()).isIn(VARIABLE_TYPES);
            assertThat(variables.add(variable.path("name").asText())).as("variable names are unique").isTrue();
            assertThat(variable.path("hide").asInt(-1)).isIn(0, 1, 2);
        }

        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
            String title = panel.path("title").asText();
            assertThat(panel.path("id").isInt() && panel.path("id").asInt() >= 0).as("%s: id", title).isTrue();
            assertThat(ids.add(panel.path("id").asInt())).as("%s: ids are unique", title).isTrue();
            JsonNode grid = panel.path("gridPos");
            int h = grid.path("h").asInt(-1);
            int w = grid.path("w").asInt(-1);
            int x = grid.path("x").asInt(-1);
            int y = grid.path("y").asInt(-1);
            assertThat(h > 0 && w > 0 && w <= 24 && x >= 0 && x < 24 && x + w <= 24 && y >= 0)
                    .as("%s: gridPos %s within the 24 columns", title, grid).isTrue();
            for (int[] other : cells) {
                boolean overlaps = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3] && other[1] < y + h;
                assertThat(overlaps).as("%s overlaps another panel", title).isFalse();
            }
            cells.add(new int[] { x, y, w, h });
            if ("row".equals(panel.path("type").asText())) {
                assertThat(panel.path("collapsed").isBoolean() && panel.path("panels").isArray()).as(title).isTrue();
                continue;
            }
            assertThat(panel.path("type").asText()).as(title).isIn(PANEL_TYPES);
            assertThat(title).isNotBlank();
            assertThat(panel.path("options").isObject()).as("%s: options", title).isTrue();
            assertThat(panel.path("fieldConfig").path("defaults").isObject()).as("%s: fieldConfig.defaults", title).isTrue();
            assertThat(panel.path("fieldConfig").path("overrides").isArray()).as("%s: fieldConfig.overrides", title).isTrue();
            assertThat(panel.path("transformations").isArray()).as("%s: transformations", title).isTrue();
            assertThat(panel.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("targets").size()).as("%s: queries", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(refIds.add(target.path("refId").asText())).as("%s: refIds are unique", title).isTrue();
                assertThat(target.path("expr").asText()).as("%s: expr", title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            }
        }
        assertThat(variables).as("the queries' variables are defined").contains("datasource", "instance");
    }

    @Test
    void theAlertRulesAreAWellFormedPrometheusRuleFile() throws IOException {
        JsonNode rules = MonitoringFiles.alerts();
        assertThat(rules.path("groups").isArray() && rules.path("groups").size() > 0).isTrue();
        Set<String> groups = new HashSet<>();
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : rules.path("groups")) {
            assertThat(groups.add(group.path("name").asText())).as("group names are unique").isTrue();
            assertThat(group.path("rules").size()).isPositive();
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                assertThat(alert).matches("[A-Z][A-Za-z0-9]+");
                alerts.add(alert);
                assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
                assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
                assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
                if (rule.has("for")) {
                    assertThat(rule.path("for").asText()).as(alert).matches(DURATION);
                }
                rule.fieldNames().forEachRemaining(field -> assertThat(field).as(alert)
                        .isIn("alert", "expr", "for", "keep_firing_for", "labels", "annotations"));
            }
        }
        assertThat(alerts).as("issue 19's alerts").contains("KeyturnRefreshTokenReuseSpike", "KeyturnLoginFailureSpike",
                "KeyturnMailFailures", "KeyturnWebhookBacklog", "KeyturnLatencyOverBudget");
    }

    @Test
    void promtoolAcceptsTheRulesAndEveryDashboardQuery() throws Exception {
        Assumptions.assumeTrue(promtool() != null, "promtool is not installed (Debian: apt-get install prometheus)");
        assertThat(promtoolCheck(MonitoringFiles.ALERTS)).isEmpty();

        StringBuilder asRules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> query : MonitoringFiles.expressions().entrySet()) {
            if (query.getKey().startsWith("panel")) {
                asRules.append("      - record: dashboard:query").append(++n).append("\n        expr: '")
                        .append(MonitoringFiles.asPromQl(query.getValue()).replace("'", "''")).append("'\n");
            }
        }
        Path file = Files.createTempFile("keyturn-dashboard-queries", ".yaml");
        try {
            Files.writeString(file, asRules);
            assertThat(promtoolCheck(file)).as("every dashboard query parses as PromQL").isEmpty();
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void theNameExtractionFindsMetricsAndNothingElse() {
        assertThat(MonitoringFiles.metricNames("histogram_quantile(0.99, sum by (le, uri) (rate("
                + "http_server_requests_seconds_bucket{uri!~\"/q/.*\", instance=~\"$instance\"}[$__rate_interval])))"
                + " / clamp_min(sum(rate(x_total[5m])), 1e-9) > 0.25 and on (job) up offset 5m"))
                .containsExactly("http_server_requests_seconds_bucket", "x_total", "up");
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool").toString();
            }
        }
        return null;
    }

    /** @return promtool's complaints: empty when it says SUCCESS */
    private static String promtoolCheck(Path file) throws Exception {
        Process process = new ProcessBuilder(promtool(), "check", "rules", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() == 0 && output.contains("SUCCESS") ? "" : output;
    }
}
