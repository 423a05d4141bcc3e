package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Refresh-token rotation: each virtual user logs in once, then rotates its own refresh-token chain, always
 * presenting the newest token (a used one would be reuse, and revoke the session).
 */
public class RefreshSimulation extends Simulation {

    static final String REQUEST = "POST /auth/refresh";

    final BenchConfig config = new BenchConfig();
    final FeederBuilder<Object> users = Keyturn.users(config);

    final ScenarioBuilder scenario = scenario("refresh")
            .exec(Keyturn.login("setup: login", users))
            .during(config.warmup).on(Keyturn.refresh(REQUEST + " (warmup)").exec(Keyturn.reloginIfFailed(users)))
            .during(config.duration).on(Keyturn.refresh(REQUEST).exec(Keyturn.reloginIfFailed(users)));

    {
        System.out.println("RefreshSimulation: " + config.describe());
        setUp(scenario.injectOpen(atOnceUsers(config.concurrency)))
                .protocols(Keyturn.protocol(config))
                .maxDuration(config.maxDuration())
                .assertions(Assertions.of(config, details(REQUEST)));
    }
}
