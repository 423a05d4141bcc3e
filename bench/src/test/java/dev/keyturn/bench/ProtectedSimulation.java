package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** A protected route: each virtual user logs in once, then calls GET /users/me with its Bearer access token. */
public class ProtectedSimulation extends Simulation {

    static final String REQUEST = "GET /users/me";

    final BenchConfig config = new BenchConfig();
    final FeederBuilder<Object> users = Keyturn.users(config);

    final ScenarioBuilder scenario = scenario("protected")
            .exec(Keyturn.login("setup: login", users))
            .during(config.warmup).on(Keyturn.me(REQUEST + " (warmup)").exec(Keyturn.reloginIfFailed(users)))
            .during(config.duration).on(Keyturn.me(REQUEST).exec(Keyturn.reloginIfFailed(users)));

    {
        System.out.println("ProtectedSimulation: " + config.describe());
        setUp(scenario.injectOpen(atOnceUsers(config.concurrency)))
                .protocols(Keyturn.protocol(config))
                .maxDuration(config.maxDuration())
                .assertions(Assertions.of(config, details(REQUEST)));
    }
}
