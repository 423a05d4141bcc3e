package dev.keyturn.monitoring;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Metrics;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every metric the dashboard graphs and the alert rules watch is one Keyturn exposes at {@code /q/metrics}, so that no
 * panel stays empty and no alert waits for a series that never comes; and every metric of Keyturn's own is on the
 * dashboard.
 */
@QuarkusTest
class MonitoringMetricsTest {

    @Test
    void everyNameTheDashboardAndTheAlertsReadIsExposed() throws Exception {
        refresh(login(newAccount()).refreshToken()).then().statusCode(200); // requests, so that the HTTP histogram has series
        Set<String> exposed = Metrics.names();

        Map<String, Set<String>> missing = new TreeMap<>();
        Set<String> read = new TreeSet<>();
        for (Map.Entry<String, String> query : MonitoringFiles.expressions().entrySet()) {
            for (String name : MonitoringFiles.metricNames(query.getValue())) {
                read.add(name);
                if (!exposed.contains(name)) {
                    missing.computeIfAbsent(name, ignored -> new TreeSet<>()).add(query.getKey());
                }
            }
        }
        assertThat(missing).as("metrics read by deploy/monitoring that /q/metrics does not expose").isEmpty();
        assertThat(read).contains("keyturn_logins_total", "keyturn_refreshes_total", "http_server_requests_seconds_bucket",
                "jvm_memory_used_bytes", "sql_pool_active");
        assertThat(read).contains("keyturn_webhook_deliveries_total", "keyturn_webhook_backlog");

        Set<String> ownFamilies = new TreeSet<>();
        for (String name : exposed) {
            if (name.startsWith("keyturn_")) {
                ownFamilies.add(name.replaceAll("_(count|sum|max|bucket)$", ""));
            }
        }
        Set<String> readFamilies = new TreeSet<>();
        read.forEach(name -> readFamilies.add(name.replaceAll("_(count|sum|max|bucket)$", "")));
        assertThat(readFamilies).as("every metric of Keyturn's own is on the dashboard or in a rule").containsAll(ownFamilies);
    }
}
