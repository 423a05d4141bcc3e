package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(Files.readString(deployment.service().log())).contains("of the pool's 20 database connections at start-up");
    }
}
