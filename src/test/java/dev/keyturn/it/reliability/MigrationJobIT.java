package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * Migrating the schema once per release instead of at every start (deploy/README.md, "Schema migrations"): the
 * packaged application run with QUARKUS_INIT_AND_EXIT=true migrates an empty database and exits 0, as a Kubernetes
 * Job would; a replica with KEYTURN_MIGRATE_AT_START=false then starts on it without touching the schema, and serves.
 */
class MigrationJobIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn");

    @Test
    void aJobMigratesAndExitsAndAReplicaStartsWithoutMigrating() throws Exception {
        deployment.sql("create database released");
        Map<String, String> environment = deployment.environmentOn("released");

        Map<String, String> job = new HashMap<>(environment);
        job.put("QUARKUS_INIT_AND_EXIT", "true");
        PackagedService migration = PackagedService.start("migration-job", job, deployment.workDirectory());
        assertThat(migration.process().waitFor(90, TimeUnit.SECONDS)).as("the job exits").isTrue();
        assertThat(migration.process().exitValue()).isZero();
        long migrations;
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.count();
        }
        assertThat(((Number) PackagedService.sql(deployment.database("released"),
                "select count(*) from flyway_schema_history where success")).longValue()).isEqualTo(migrations);

        Map<String, String> replica = new HashMap<>(environment);
        replica.put("KEYTURN_MIGRATE_AT_START", "false");
        PackagedService started = PackagedService.start("replica", replica, deployment.workDirectory()).awaitReady();
        try {
            Map<String, Object> tokens = started.login(started.newAccount("released"));
            assertThat(started.get("/users/me", (String) tokens.get("access_token")).statusCode()).isEqualTo(200);
            assertThat(Files.readString(started.log())).doesNotContain("Migrating schema")
                    .doesNotContain("Successfully validated");
        } finally {
            started.stop();
        }
    }
}
