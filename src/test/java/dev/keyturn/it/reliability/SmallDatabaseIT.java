package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;

/**
 * A database that allows fewer connections than the pool's 20 (replicas x pool size over max_connections): the
 * start-up warm-up (db/PoolWarmup) opens what it can, and the replica still becomes ready and serves, as it did
 * before there was a warm-up, instead of staying unready on "too many clients".
 */
class SmallDatabaseIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn")
            // 3 of the 12 are reserved for superusers: fewer than 20 for the pool, the LISTEN connection and Flyway.
            .database(settings -> settings.setServerConfig("max_connections", "12"));

    @Test
    void aDatabaseWithFewerConnectionsThanThePoolStillServes() throws Exception {
        Map<String, Object> tokens = deployment.service().login(deployment.service().newAccount("small"));
        assertThat(deployment.service().get("/users/me", (String) tokens.get("access_token")).statusCode()).isEqualTo(200);
        assertThat(deployment.service().post("/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token"))).statusCode())
                .isEqualTo(200);
        String log = Files.readString(deployment.service().log());
        assertThat(log).contains("of the pool's 20 database connections at start-up");
        // the LISTEN connection was opened before the pool took what was left (db/ListenerConnections)
        assertThat(log).doesNotContain("cannot listen for session revocations");
    }

    /**
     * The pool lends a request a connection of its own event loop, and opens a new one (which the database refuses)
     * rather than lend another loop's: the warm-up gave every event loop a connection, so requests that arrive on
     * any of them, each on a connection of its own, are served.
     */
    @Test
    void requestsOnEveryEventLoopAreServed() throws Exception {
        for (int i = 0; i < 16; i++) {
            // a client of its own: a TCP connection of its own, which the server gives the next event loop
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> ready = fresh.send(HttpRequest.newBuilder(URI.create(deployment.service().base()
                    + "/q/health/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("readiness on connection %d: %s", i, ready.body()).isEqualTo(200);
        }
    }
}
