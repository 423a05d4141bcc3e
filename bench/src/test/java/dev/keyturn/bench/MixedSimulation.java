package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A login storm must not slow down the protected routes. Two populations, on one wall-clock timeline:
 * <pre>
 *  |- setup -|---- warm-up ----|------ quiet ------|------- storm -------|
 *  me users:  login   /users/me (warmup)   GET /users/me quiet   GET /users/me during login storm
 *  storm users:       login (warmup)        (idle)                 login storm
 * </pre>
 * {@code meConcurrency} users call GET /users/me throughout; {@code stormConcurrency} users log in back to back
 * during the storm phase only (and briefly in the warm-up, so that the login path is compiled before it is
 * measured). The report lists "GET /users/me quiet" and "GET /users/me during login storm" as separate
 * requests; bench/run.sh prints their p99 ratio (target: at most 2).
 */
public class MixedSimulation extends Simulation {

    static final String ME_QUIET = "GET /users/me quiet";
    static final String ME_STORM = "GET /users/me during login storm";
    static final String LOGIN_STORM = "POST /auth/login storm";

    final BenchConfig config = new BenchConfig();
    final FeederBuilder<Object> users = Keyturn.users(config);
    /** Phase boundaries (epoch ms), fixed when the simulation starts. */
    volatile long warmupEnd;
    volatile long quietEnd;
    volatile long stormEnd;

    final ScenarioBuilder meUsers = scenario("users/me")
            .exec(Keyturn.login("setup: login", users))
            .exec(asLongAs(session -> now() < warmupEnd).on(
                    Keyturn.me("GET /users/me (warmup)").exec(Keyturn.reloginIfFailed(users))))
            .exec(asLongAs(session -> now() < quietEnd).on(
                    Keyturn.me(ME_QUIET).exec(Keyturn.reloginIfFailed(users))))
            .exec(asLongAs(session -> now() < stormEnd).on(
                    Keyturn.me(ME_STORM).exec(Keyturn.reloginIfFailed(users))));

    final ScenarioBuilder stormUsers = scenario("login storm")
            .exec(pause(session -> untilMillis(warmupEnd - config.warmup.toMillis() / 2)))
            .exec(asLongAs(session -> now() < warmupEnd).on(Keyturn.login("POST /auth/login (warmup)", users)))
            .exec(pause(session -> untilMillis(quietEnd)))
            .exec(asLongAs(session -> now() < stormEnd).on(Keyturn.login(LOGIN_STORM, users)));

    {
        System.out.println("MixedSimulation: " + config.describe() + " meConcurrency=" + config.meConcurrency
                + " stormConcurrency=" + config.stormConcurrency + " setup=" + config.setup.toSeconds() + "s"
                + " (quiet and storm phases last 'duration' each)");
        setUp(meUsers.injectOpen(atOnceUsers(config.meConcurrency)),
                stormUsers.injectOpen(atOnceUsers(config.stormConcurrency)))
                .protocols(Keyturn.protocol(config))
                .maxDuration(config.maxDuration())
                .assertions(Assertions.of(config, details(ME_STORM)));
    }

    @Override
    public void before() {
        long start = now();
        warmupEnd = start + config.setup.toMillis() + config.warmup.toMillis();
        quietEnd = warmupEnd + config.duration.toMillis();
        stormEnd = quietEnd + config.duration.toMillis();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static Duration untilMillis(long epochMillis) {
        return Duration.ofMillis(Math.max(0, epochMillis - now()));
    }
}
