package dev.keyturn.web;

import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Latency buckets for the HTTP server's request timer ({@code http_server_requests_seconds_bucket}), so that Prometheus
 * can compute a route's p99 ({@code histogram_quantile}): the dashboard's p99 panel and the "p99 over budget" alert.
 * A fixed set of eleven boundaries from 1 ms to 2.5 s, not Micrometer's ~70 percentile buckets: per route, method,
 * status and outcome, that would be thousands of series. Keyturn's routes answer in a few milliseconds, a login in its
 * hash time (tens of milliseconds), so these boundaries bracket what matters.
 */
@Singleton
public class HttpMetrics {

    static final Duration[] BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2500) };

    @Produces
    @Singleton
    MeterFilter requestLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!"http.server.requests".equals(id.getName())) {
                    return config;
                }
                double[] boundaries = new double[BUCKETS.length];
                for (int i = 0; i < BUCKETS.length; i++) {
                    boundaries[i] = BUCKETS[i].toNanos();
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(boundaries).build().merge(config);
            }
        };
    }
}
