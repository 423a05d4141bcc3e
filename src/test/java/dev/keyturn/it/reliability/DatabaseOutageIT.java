package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.OutageDrill;
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
        PackagedService service = deployment.service();
        Map<String, String> account = service.newAccount("outage");
        OutageDrill.Calls calls = new OutageDrill.Calls() {
            @Override
            public HttpResponse<String> refresh(String refreshToken) throws Exception {
                return service.post("/auth/refresh", Map.of("refresh_token", refreshToken));
            }

            @Override
            public HttpResponse<String> me(String accessToken) throws Exception {
                return service.get("/users/me", accessToken);
            }
        };
        List<OutageDrill.Client> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> tokens = service.login(account);
            // No bound of our own on a 503 here: any answer came before the client's 10 s timeout, i.e. no hang.
            clients.add(new OutageDrill.Client(PackagedService.sessionId(tokens.get("refresh_token")),
                    (String) tokens.get("access_token"), (String) tokens.get("refresh_token"), calls,
                    Duration.ofSeconds(10)));
        }
        OutageDrill.run(clients, deployment::stopDatabase, () -> {
            Thread.sleep(3000);
            HttpResponse<String> ready = service.get("/q/health/ready", null);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(PackagedService.json(ready)).containsEntry("status", "DOWN");
            assertThat(service.get("/q/health/live", null).statusCode()).isEqualTo(200);
            assertThat(service.get("/.well-known/jwks.json", null).statusCode()).isEqualTo(200);
        }, () -> {
            deployment.startDatabase();
            awaitReady();
        });

        assertThat(clients.stream().mapToInt(client -> client.refused).sum())
                .as("503 answers while the database was down (the drill ran under load)").isPositive();
        for (OutageDrill.Client client : clients) {
            assertThat(client.unexpected).as("answers other than 200 or 503 unavailable").isEmpty();
            assertThat(client.rotationsAfterRecovery).as("refreshes that succeeded after the database returned")
                    .isGreaterThanOrEqualTo(2);
            assertThat(deployment.sql("select count(*) from refresh_tokens where session_id = '" + client.sessionId + "'"))
                    .as("the chain: the login's token and one per distinct token the client received")
                    .isEqualTo((long) (1 + client.received.size()));
            HttpResponse<String> next = service.post("/auth/refresh", Map.of("refresh_token", client.refreshToken));
            assertThat(next.statusCode()).as("the token the client holds rotates: " + next.body()).isEqualTo(200);
        }
        // a new account and login work again, through a reconnected pool
        service.login(service.newAccount("after-outage"));
    }

    private static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (deployment.service().get("/q/health/ready", null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready again within 60 s of the database's return").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
