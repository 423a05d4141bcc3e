package dev.keyturn.bench;

import static io.gatling.javaapi.core.CoreDsl.forAll;

import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.Assertion;

/** The pass/fail rules of a run: no failed request (or at most -DmaxErrorPercent), and optionally a p99 bound. */
final class Assertions {

    private Assertions() {
    }

    static List<Assertion> of(BenchConfig config, Assertion.WithPath main) {
        List<Assertion> list = new ArrayList<>();
        list.add(forAll().failedRequests().percent().lte(config.maxErrorPercent));
        if (config.p99Ms > 0) {
            list.add(main.responseTime().percentile(99.0).lte(config.p99Ms));
        }
        return list;
    }
}
