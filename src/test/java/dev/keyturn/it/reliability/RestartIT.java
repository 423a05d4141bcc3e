package dev.keyturn.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * The packaged service restarted as a process (SIGTERM, then a new process on the same PostgreSQL): what it
 * knew before lives in the database, so nothing a client or an attacker could exploit is forgotten. It runs
 * with the reuse grace window off ({@code KEYTURN_REUSE_GRACE_PERIOD=PT0S}), which the same-second case
 * needs. The last test stops the service with SIGTERM under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn").with("KEYTURN_REUSE_GRACE_PERIOD", "PT0S");

    /** Issue 9: "no reliance on one-second iat granularity". */
    @Test
    @Order(1)
    void withNoGraceWindowTwoRefreshesOfOneTokenInTheSameSecondAreOneRotationAndOneReuse() throws Exception {
        for (int attempt = 0;; attempt++) {
            Map<String, Object> tokens = deployment.service().login(deployment.service().newAccount("samesecond"));
            Object refresh = tokens.get("refresh_token");
            long second = Instant.now().getEpochSecond();
            HttpResponse<String> first = deployment.service().post("/auth/refresh", Map.of("refresh_token", refresh));
            HttpResponse<String> again = deployment.service().post("/auth/refresh", Map.of("refresh_token", refresh));
            if (Instant.now().getEpochSecond() != second && attempt < 5) {
                continue; // the two crossed a second boundary: try again, the case is "within one second"
            }
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(401);
            assertThat(PackagedService.json(again).get("code")).isEqualTo("invalid_refresh_token");
            // reuse detection revoked the session: the token the first refresh answered is dead too
            Object child = PackagedService.json(first).get("refresh_token");
            assertThat(deployment.service().post("/auth/refresh", Map.of("refresh_token", child)).statusCode()).isEqualTo(401);
            assertThat(sql("select revoked_reason from sessions where id = '" + PackagedService.sessionId(refresh) + "'"))
                    .isEqualTo("refresh_token_reuse");
            return;
        }
    }

    @Test
    @Order(2)
    void withNoGraceWindowConcurrentRefreshesOfOneTokenGiveExactlyOneSuccess() throws Exception {
        Object refresh = deployment.service().login(deployment.service().newAccount("concurrent")).get("refresh_token");
        List<CompletableFuture<HttpResponse<String>>> answers = List.of(
                deployment.service().postAsync("/auth/refresh", Map.of("refresh_token", refresh)),
                deployment.service().postAsync("/auth/refresh", Map.of("refresh_token", refresh)),
                deployment.service().postAsync("/auth/refresh", Map.of("refresh_token", refresh)));
        long ok = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            int status = answer.get().statusCode();
            assertThat(status).isIn(200, 401);
            ok += status == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(1);
        assertThat(sql("select revoked_reason from sessions where id = '" + PackagedService.sessionId(refresh) + "'"))
                .isEqualTo("refresh_token_reuse");
    }

    @Test
    @Order(3)
    void aRestartForgetsNothingThatProtectsSessions() throws Exception {
        // a session rotated before the restart
        Map<String, String> alice = deployment.service().newAccount("alice");
        Map<String, Object> first = deployment.service().login(alice);
        HttpResponse<String> rotated = deployment.service().post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token")));
        assertThat(rotated.statusCode()).isEqualTo(200);
        Map<String, Object> second = PackagedService.json(rotated);
        // a session logged out before the restart, whose access token has not expired
        Map<String, Object> loggedOut = deployment.service().login(deployment.service().newAccount("bob"));
        assertThat(deployment.service().post("/auth/logout", Map.of("refresh_token", loggedOut.get("refresh_token"))).statusCode())
                .isEqualTo(204);
        // a session nobody touched
        Map<String, Object> quiet = deployment.service().login(deployment.service().newAccount("carol"));
        // a rate limit reached: a second resend of the verification code within 15 minutes
        Map<String, String> dave = deployment.service().newAccount("dave");
        assertThat(deployment.service().post("/auth/resend-verification", Map.of("email", dave.get("email"))).statusCode())
                .isEqualTo(202);
        assertThat(deployment.service().post("/auth/resend-verification", Map.of("email", dave.get("email"))).statusCode())
                .isEqualTo(429);

        assertThat(deployment.service().stop()).as("exit code after SIGTERM").isIn(0, 130, 143);
        deployment.service().restart();

        // first request after ready: the logged-out session's access token (revocations reloaded at start)
        assertThat(deployment.service().get("/users/me", (String) loggedOut.get("access_token")).statusCode()).isEqualTo(401);
        // the untouched session lives on
        assertThat(deployment.service().get("/users/me", (String) quiet.get("access_token")).statusCode()).isEqualTo(200);
        assertThat(deployment.service().post("/auth/refresh", Map.of("refresh_token", quiet.get("refresh_token"))).statusCode())
                .isEqualTo(200);
        // the rate limit still holds
        assertThat(deployment.service().post("/auth/resend-verification", Map.of("email", dave.get("email"))).statusCode())
                .isEqualTo(429);
        // replaying the token rotated before the restart is reuse: 401, and the whole session is revoked
        HttpResponse<String> replay = deployment.service().post("/auth/refresh", Map.of("refresh_token", first.get("refresh_token")));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(PackagedService.json(replay).get("code")).isEqualTo("invalid_refresh_token");
        assertThat(deployment.service().post("/auth/refresh", Map.of("refresh_token", second.get("refresh_token"))).statusCode())
                .isEqualTo(401);
        assertThat(deployment.service().get("/users/me", (String) second.get("access_token")).statusCode()).isEqualTo(401);
        assertThat(sql("select revoked_reason from sessions where id = '" + PackagedService.sessionId(first.get("refresh_token"))
                + "'")).isEqualTo("refresh_token_reuse");
    }

    /**
     * SIGTERM under a stream of requests (what a rolling update does) loses no accepted request: every answer
     * is complete and not a 5xx, except web/GracefulShutdown's 503 refusals once the drain began (nothing done,
     * {@code Connection: close}); a request without an answer was refused at connect or found its connection
     * closed before any byte of an answer, never cut in the middle of one; and the database proves that no
     * refresh was carried out without its answer reaching the client.
     */
    @Test
    @Order(4)
    void sigtermUnderLoadLosesNoAcceptedRequest() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(new Client(deployment.service().login(deployment.service().newAccount("shutdown"))));
        }
        AtomicBoolean terminated = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        List<Future<?>> running = new ArrayList<>();
        for (Client client : clients) {
            running.add(threads.submit(() -> client.run(terminated)));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (clients.stream().mapToLong(c -> c.answered).sum() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long before = clients.stream().mapToLong(c -> c.answered).sum();
        terminated.set(true);
        deployment.service().process().destroy(); // SIGTERM
        for (Future<?> client : running) {
            client.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(deployment.service().process().waitFor(60, TimeUnit.SECONDS)).isTrue();

        System.out.printf("SIGTERM under load: %d answers before the signal, %d after; %d refused with 503, %d closed"
                + " before answering, %d clients ended refused at connect%n", before,
                clients.stream().mapToLong(c -> c.answered).sum() - before, clients.stream().mapToLong(c -> c.refusals).sum(),
                clients.stream().mapToLong(c -> c.unanswered).sum(), clients.stream().filter(c -> c.refusedAtConnect).count());
        assertThat(before).as("answers before SIGTERM").isGreaterThanOrEqualTo(100);
        for (Client client : clients) {
            assertThat(client.failures).as("answers that were cut, 5xx, or failures before SIGTERM").isEmpty();
            assertThat(client.refusedAtConnect).as("the client ended refused at connect").isTrue();
            assertThat(sql("select count(*) from refresh_tokens where session_id = '" + client.sessionId + "'"))
                    .as("refresh tokens of a session: its first and one per rotation the client was told of")
                    .isEqualTo(1L + client.rotations);
        }
    }

    /** One client: rotates its own refresh token and reads /users/me, back to back, until it cannot connect. */
    private static final class Client {
        final String sessionId;
        Object refresh;
        String access;
        long answered;
        long rotations;
        long refusals;
        long unanswered;
        boolean refusedAtConnect;
        final List<String> failures = new ArrayList<>();

        Client(Map<String, Object> tokens) throws Exception {
            this.refresh = tokens.get("refresh_token");
            this.access = (String) tokens.get("access_token");
            this.sessionId = PackagedService.sessionId(refresh);
        }

        void run(AtomicBoolean terminated) {
            for (int i = 0; failures.size() < 20; i++) {
                boolean rotate = i % 2 == 0;
                try {
                    HttpResponse<String> answer = rotate
                            ? deployment.service().post("/auth/refresh", Map.of("refresh_token", refresh))
                            : deployment.service().get("/users/me", access);
                    answered++;
                    if (answer.statusCode() == 503 && terminated.get() && isShutdownRefusal(answer)) {
                        refusals++;
                    } else if (answer.statusCode() != 200) {
                        failures.add(answer.request().uri() + " " + answer.statusCode() + " " + answer.body());
                    } else if (rotate) {
                        Map<String, Object> tokens = PackagedService.json(answer); // complete: it parses
                        refresh = tokens.get("refresh_token");
                        access = (String) tokens.get("access_token");
                        rotations++;
                    }
                } catch (Exception e) {
                    if (terminated.get() && causedBy(e, ConnectException.class)) {
                        refusedAtConnect = true;
                        return;
                    } else if (terminated.get() && closedBeforeAnswering(e)) {
                        unanswered++; // closed before a byte of an answer: the database check below tells if it did anything
                    } else {
                        failures.add(e.toString());
                    }
                }
            }
        }
    }

    /** web/GracefulShutdown's answer once draining: nothing was done, and the connection closes. */
    private static boolean isShutdownRefusal(HttpResponse<String> answer) throws Exception {
        return "unavailable".equals(PackagedService.json(answer).get("code"))
                && answer.headers().firstValue("Retry-After").isPresent()
                && answer.headers().firstValue("Connection").orElse("").equalsIgnoreCase("close");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** How the JDK client says the connection closed before the first byte of an answer. */
    private static boolean closedBeforeAnswering(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    private static Object sql(String statement) throws Exception {
        return deployment.sql(statement);
    }
}
