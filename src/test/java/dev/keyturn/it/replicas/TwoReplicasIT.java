package dev.keyturn.it.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * Two instances of the packaged service (two processes, two ports) on one PostgreSQL, as two replicas behind
 * a load balancer would be: revocations, reuse detection and concurrent rotation hold across them.
 */
class TwoReplicasIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.replicas("replica-a", "replica-b");

    @Test
    void logoutOnOneReplicaRejectsTheAccessTokenOnTheOtherWithinOneSecond() throws Exception {
        Map<String, Object> tokens = deployment.service(0).login(deployment.service(0).newAccount("replica"));
        String access = (String) tokens.get("access_token");
        assertThat(deployment.service(1).get("/users/me", access).statusCode()).isEqualTo(200);

        assertThat(deployment.service(0).post("/auth/logout", Map.of("refresh_token", tokens.get("refresh_token"))).statusCode())
                .isEqualTo(204);
        long loggedOutAt = System.nanoTime();
        int status;
        do {
            status = deployment.service(1).get("/users/me", access).statusCode();
        } while (status == 200 && System.nanoTime() - loggedOutAt < Duration.ofSeconds(2).toNanos());
        long millis = (System.nanoTime() - loggedOutAt) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(millis).as("ms until replica b rejected the token").isLessThan(1000);
    }

    @Test
    void aReusedTokenPresentedToTheOtherReplicaRevokesTheSession() throws Exception {
        Map<String, Object> first = deployment.service(0).login(deployment.service(0).newAccount("replica"));
        HttpResponse<String> rotated = deployment.service(0).post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token")));
        assertThat(rotated.statusCode()).isEqualTo(200);
        Map<String, Object> second = PackagedService.json(rotated);
        String sid = PackagedService.sessionId(first.get("refresh_token"));
        // the first token was used long enough ago to be outside the grace window
        sql("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = '" + sid
                + "' and used_at is not null");

        assertThat(deployment.service(1).post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token"))).statusCode())
                .isEqualTo(401);
        assertThat(deployment.service(0).post("/auth/refresh", Map.of("refresh_token", second.get("refresh_token"))).statusCode())
                .isEqualTo(401);
        String access = (String) second.get("access_token");
        long start = System.nanoTime();
        while (deployment.service(0).get("/users/me", access).statusCode() == 200 && System.nanoTime() - start < 2_000_000_000L) {
            Thread.onSpinWait();
        }
        assertThat(deployment.service(0).get("/users/me", access).statusCode()).isEqualTo(401);
        assertThat(deployment.service(1).get("/users/me", access).statusCode()).isEqualTo(401);
    }

    @Test
    void concurrentRefreshesSplitAcrossReplicasMakeOneChild() throws Exception {
        Map<String, Object> first = deployment.service(0).login(deployment.service(0).newAccount("replica"));
        Object refresh = first.get("refresh_token");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(deployment.service(i % 2).postAsync("/auth/refresh", Map.of("refresh_token", refresh)));
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
        return deployment.sql(statement);
    }
}
