package dev.keyturn.db;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Leaves out the reactive SQL client's per-connection gauges ({@code postgresql_queue_size}, {@code postgresql_current}),
 * which describe one connection of the pool and not the pool.
 * <p>
 * The PostgreSQL client (Vert.x 4.5) makes client metrics for each connection it opens, all under the pool's one
 * client name, and Quarkus' Micrometer binder registers these two gauges for each of them: only the first
 * registration counts, so the exported gauges followed the first connection of twenty. The second connection's
 * registration is also the warning of every start, "This Gauge has been already registered
 * (MeterId{name='postgresql.queue.size', …})" (quarkusio/quarkus#47504, open, labelled a third-party bug). Not ours to
 * fix, and not silenced by this filter: Micrometer warns about a repeated registration before it applies filters. The
 * pool's own meters say what these gauges pretended to: {@code sql_pool_active}, {@code sql_pool_idle},
 * {@code sql_pool_queue_size}, {@code sql_pool_queue_delay_seconds}, {@code sql_pool_usage_seconds} (the dashboard's
 * "Database pool" row). The client's timers and counters ({@code postgresql_processing_seconds},
 * {@code postgresql_queue_delay_seconds}, {@code postgresql_completed_total}) stay: every connection records into the
 * one registered meter, so they describe the whole pool.
 */
@Singleton
public class SqlClientMetrics {

    @Produces
    @Singleton
    MeterFilter withoutPerConnectionGauges() {
        return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && "sql".equals(id.getTag("clientType")));
    }
}
