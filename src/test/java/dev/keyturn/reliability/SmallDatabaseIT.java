package dev.keyturn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.PackagedService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A database that allows fewer connections than the pool's 20 (replicas x pool size over max_connections): the
 * start-up warm-up (web/PoolWarmup) opens what it can, and the replica still becomes ready and serves, as it did
 * before there was a warm-up, instead of staying unready on "too many clients".
 */
class SmallDatabaseIT {

    static EmbeddedPostgres database;
    static PackagedService service;

    @BeforeAll
    static void start() throws Exception {
        // 3 of the 12 are reserved for superusers: fewer than 20 for the pool, the LISTEN connection and Flyway.
        database = EmbeddedPostgres.builder().setServerConfig("max_connections", "12").start();
        Path workDirectory = Files.createTempDirectory("keyturn-small-db");
        service = PackagedService.start("keyturn", PackagedService.environment(database.getPort(), workDirectory),
                workDirectory).awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aDatabaseWithFewerConnectionsThanThePoolStillServes() throws Exception {
        Map<String, Object> tokens = service.login(service.newAccount("small"));
        assertThat(service.get("/users/me", (String) tokens.get("access_token")).statusCode()).isEqualTo(200);
        assertThat(service.post("/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token"))).statusCode())
                .isEqualTo(200);
        assertThat(Files.readString(service.log())).contains("of the pool's 20 database connections at start-up");
    }
}
