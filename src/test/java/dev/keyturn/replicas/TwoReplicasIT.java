package dev.keyturn.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.PackagedService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two instances of the packaged service (two processes, two ports) on one PostgreSQL, as two replicas behind
 * a load balancer would be: revocations, reuse detection and concurrent rotation hold across them.
 */
class TwoReplicasIT {

    static EmbeddedPostgres database;
    static PackagedService a;
    static PackagedService b;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        database = EmbeddedPostgres.builder().start();
        Path workDirectory = Files.createTempDirectory("keyturn-replicas");
        Map<String, String> environment = PackagedService.environment(database.getPort(), workDirectory);
        a = PackagedService.start("replica-a", environment, workDirectory);
        b = PackagedService.start("replica-b", environment, workDirectory);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (PackagedService replica : new PackagedService[] { a, b }) {
            if (replica != null) {
                replica.stop();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void logoutOnOneReplicaRejectsTheAccessTokenOnTheOtherWithinOneSecond() throws Exception {
        Map<String, Object> tokens = a.login(a.newAccount("replica"));
        String access = (String) tokens.get("access_token");
        assertThat(b.get("/users/me", access).statusCode()).isEqualTo(200);

        assertThat(a.post("/auth/logout", Map.of("refresh_token", tokens.get("refresh_token"))).statusCode())
                .isEqualTo(204);
        long loggedOutAt = System.nanoTime();
        int status;
        do {
            status = b.get("/users/me", access).statusCode();
        } while (status == 200 && System.nanoTime() - loggedOutAt < Duration.ofSeconds(2).toNanos());
        long millis = (System.nanoTime() - loggedOutAt) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(millis).as("ms until replica b rejected the token").isLessThan(1000);
    }

    @Test
    void aReusedTokenPresentedToTheOtherReplicaRevokesTheSession() throws Exception {
        Map<String, Object> first = a.login(a.newAccount("replica"));
        HttpResponse<String> rotated = a.post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token")));
        assertThat(rotated.statusCode()).isEqualTo(200);
        Map<String, Object> second = PackagedService.json(rotated);
        String sid = PackagedService.sessionId(first.get("refresh_token"));
        // the first token was used long enough ago to be outside the grace window
        sql("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = '" + sid
                + "' and used_at is not null");

        assertThat(b.post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token"))).statusCode())
                .isEqualTo(401);
        assertThat(a.post("/auth/refresh", Map.of("refresh_token", second.get("refresh_token"))).statusCode())
                .isEqualTo(401);
        String access = (String) second.get("access_token");
        long start = System.nanoTime();
        while (a.get("/users/me", access).statusCode() == 200 && System.nanoTime() - start < 2_000_000_000L) {
            Thread.onSpinWait();
        }
        assertThat(a.get("/users/me", access).statusCode()).isEqualTo(401);
        assertThat(b.get("/users/me", access).statusCode()).isEqualTo(401);
    }

    @Test
    void concurrentRefreshesSplitAcrossReplicasMakeOneChild() throws Exception {
        Map<String, Object> first = a.login(a.newAccount("replica"));
        Object refresh = first.get("refresh_token");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add((i % 2 == 0 ? a : b).postAsync("/auth/refresh", Map.of("refresh_token", refresh)));
        }
        List<Object> children = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            children.add(PackagedService.json(response).get("refresh_token"));
        }
        assertThat(children).containsOnly(children.get(0));
        String sid = PackagedService.sessionId(refresh);
        assertThat(sql("select count(*) from refresh_tokens where session_id = '" + sid + "'")).isEqualTo(2L);
    }

    private static Object sql(String statement) throws Exception {
        return PackagedService.sql(database.getPostgresDatabase(), statement);
    }
}
