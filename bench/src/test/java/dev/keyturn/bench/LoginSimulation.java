package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** Login throughput: {@code concurrency} closed-loop users, each request logs a (rotating) user in. bcrypt-bound. */
public class LoginSimulation extends Simulation {

    static final String REQUEST = "POST /auth/login";

    final BenchConfig config = new BenchConfig();
    final FeederBuilder<Object> users = Keyturn.users(config);

    final ScenarioBuilder scenario = scenario("login")
            .during(config.warmup).on(Keyturn.login(REQUEST + " (warmup)", users))
            .during(config.duration).on(Keyturn.login(REQUEST, users));

    {
        System.out.println("LoginSimulation: " + config.describe());
        setUp(scenario.injectOpen(atOnceUsers(config.concurrency)))
                .protocols(Keyturn.protocol(config))
                .maxDuration(config.maxDuration())
                .assertions(Assertions.of(config, details(REQUEST)));
    }
}
