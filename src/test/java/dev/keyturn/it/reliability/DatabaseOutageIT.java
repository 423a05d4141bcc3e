package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * The outage drill of db/DatabaseOutageTest against the packaged application (JVM jar or native executable,
 * whichever the build made): PostgreSQL stops under the running service and comes back on the same port with the
 * same data. Every answer meanwhile is a 200 or a 503 {@code unavailable} problem (never a 500, never a hang up to
 * the client's 10 s timeout), readiness says DOWN, and the service recovers by itself without losing a session.
 */
class DatabaseOutageIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn");

    @Test
    void whileTheDatabaseIsDownRequestsAreServedOrRefusedAndTheServiceRecoversByItself() throws Exception {
        Map<String, String> account = deployment.service().newAccount("outage");
        List<LoadClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(new LoadClient(deployment.service().login(account)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean recovered = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        List<Future<?>> running = new ArrayList<>();
        try {
            for (LoadClient client : clients) {
                running.add(threads.submit(() -> client.run(stop, recovered)));
            }
            Thread.sleep(1000);
            deployment.stopDatabase();
            try {
                Thread.sleep(3000);
                HttpResponse<String> ready = deployment.service().get("/q/health/ready", null);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                assertThat(PackagedService.json(ready)).containsEntry("status", "DOWN");
                assertThat(deployment.service().get("/q/health/live", null).statusCode()).isEqualTo(200);
                assertThat(deployment.service().get("/.well-known/jwks.json", null).statusCode()).isEqualTo(200);
            } finally {
                deployment.startDatabase();
            }
            awaitReady();
            recovered.set(true);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (clients.stream().anyMatch(client -> client.rotationsAfterRecovery < 2) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            stop.set(true);
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }

        assertThat(clients.stream().mapToInt(client -> client.refused).sum())
                .as("503 answers while the database was down (the drill ran under load)").isPositive();
        for (LoadClient client : clients) {
            assertThat(client.unexpected).as("answers other than 200 or 503 unavailable").isEmpty();
            assertThat(client.rotationsAfterRecovery).as("refreshes that succeeded after the database returned")
                    .isGreaterThanOrEqualTo(2);
            assertThat(deployment.sql("select count(*) from refresh_tokens where session_id = '" + client.sessionId + "'"))
                    .as("the chain: the login's token and one per distinct token the client received")
                    .isEqualTo((long) (1 + client.received.size()));
            HttpResponse<String> next = deployment.service().post("/auth/refresh", Map.of("refresh_token", client.refreshToken));
            assertThat(next.statusCode()).as("the token the client holds rotates: " + next.body()).isEqualTo(200);
        }
        // a new account and login work again, through a reconnected pool
        deployment.service().login(deployment.service().newAccount("after-outage"));
    }

    private static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (deployment.service().get("/q/health/ready", null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready again within 60 s of the database's return").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** One client of the drill: refreshes its own chain and reads its profile, every 300 ms. */
    private static final class LoadClient {
        final String sessionId;
        final Set<String> received = new HashSet<>();
        final List<String> unexpected = new ArrayList<>();
        String accessToken;
        String refreshToken;
        int refused;
        volatile int rotationsAfterRecovery;

        LoadClient(Map<String, Object> tokens) throws Exception {
            this.sessionId = PackagedService.sessionId(tokens.get("refresh_token"));
            this.accessToken = (String) tokens.get("access_token");
            this.refreshToken = (String) tokens.get("refresh_token");
        }

        void run(AtomicBoolean stop, AtomicBoolean recovered) {
            while (!stop.get()) {
                HttpResponse<String> rotated = call("POST /auth/refresh",
                        () -> deployment.service().post("/auth/refresh", Map.of("refresh_token", refreshToken)));
                if (rotated != null && rotated.statusCode() == 200) {
                    try {
                        Map<String, Object> body = PackagedService.json(rotated);
                        refreshToken = (String) body.get("refresh_token");
                        accessToken = (String) body.get("access_token");
                    } catch (Exception e) {
                        unexpected.add("POST /auth/refresh: unreadable body");
                    }
                    received.add(refreshToken);
                    if (recovered.get()) {
                        rotationsAfterRecovery++;
                    }
                }
                call("GET /users/me", () -> deployment.service().get("/users/me", accessToken));
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private HttpResponse<String> call(String what, Callable<HttpResponse<String>> call) {
            HttpResponse<String> response;
            try {
                response = call.call();
            } catch (Exception e) {
                unexpected.add(what + ": " + e);
                return null;
            }
            int status = response.statusCode();
            if (status == 503) {
                refused++;
                Object code;
                try {
                    code = PackagedService.json(response).get("code");
                } catch (Exception e) {
                    code = "unreadable";
                }
                if (!"unavailable".equals(code)) {
                    unexpected.add(what + ": 503 " + code);
                }
            } else if (status != 200) {
                unexpected.add(what + ": " + status + " " + response.body());
            }
            return response;
        }
    }
}
