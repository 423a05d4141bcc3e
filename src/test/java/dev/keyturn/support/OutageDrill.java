package dev.keyturn.support;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The load half of the outage drills (db/DatabaseOutageTest in the test JVM, it/reliability/DatabaseOutageIT against
 * the packaged service): clients that each rotate their own refresh-token chain and read {@code /users/me} every
 * 300 ms while PostgreSQL goes away and comes back. Each client records what it received and every answer other
 * than a 200 or a 503 {@code unavailable} given within the bound; the test then holds that against the database.
 */
public final class OutageDrill {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The two calls a client makes, over whichever HTTP client the test uses. */
    public interface Calls {
        HttpResponse<String> refresh(String refreshToken) throws Exception;

        HttpResponse<String> me(String accessToken) throws Exception;
    }

    /** A step of the drill that may fail the test. */
    public interface Step {
        void run() throws Exception;
    }

    private OutageDrill() {
    }

    /**
     * Runs the clients, takes the database down after a second, runs {@code whileDown}, brings it back with
     * {@code restore} (also when {@code whileDown} failed), then waits (at most 30 s) until each client has
     * rotated twice more, and stops them.
     */
    public static void run(List<Client> clients, Step takeDown, Step whileDown, Step restore) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean recovered = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        List<Future<?>> running = new ArrayList<>();
        try {
            for (Client client : clients) {
                running.add(threads.submit(() -> client.run(stop, recovered)));
            }
            Thread.sleep(1000);
            takeDown.run();
            try {
                whileDown.run();
            } finally {
                restore.run();
            }
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
    }

    /** One client of the drill: refreshes its own chain and reads its profile, every 300 ms. */
    public static final class Client {
        public final String sessionId;
        public final Set<String> received = new HashSet<>();
        public final List<String> unexpected = new ArrayList<>();
        public String refreshToken;
        public int refused;
        public volatile int rotationsAfterRecovery;
        private final Calls calls;
        private final Duration refusedWithin;
        private String accessToken;

        /** @param refusedWithin how soon a 503 must come to count as a refusal and not as a hang */
        public Client(String sessionId, String accessToken, String refreshToken, Calls calls, Duration refusedWithin) {
            this.sessionId = sessionId;
            this.accessToken = accessToken;
            this.refreshToken = refreshToken;
            this.calls = calls;
            this.refusedWithin = refusedWithin;
        }

        void run(AtomicBoolean stop, AtomicBoolean recovered) {
            while (!stop.get()) {
                HttpResponse<String> rotated = checked("POST /auth/refresh", () -> calls.refresh(refreshToken));
                if (rotated != null && rotated.statusCode() == 200) {
                    try {
                        JsonNode body = JSON.readTree(rotated.body());
                        refreshToken = body.path("refresh_token").asText();
                        accessToken = body.path("access_token").asText();
                    } catch (Exception e) {
                        unexpected.add("POST /auth/refresh: unreadable body " + rotated.body());
                    }
                    received.add(refreshToken);
                    if (recovered.get()) {
                        rotationsAfterRecovery++;
                    }
                }
                checked("GET /users/me", () -> calls.me(accessToken));
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private HttpResponse<String> checked(String what, Callable<HttpResponse<String>> call) {
            long start = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = call.call();
            } catch (Exception e) {
                unexpected.add(what + ": " + e);
                return null;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int status = response.statusCode();
            if (status == 503) {
                refused++;
                String code;
                try {
                    code = JSON.readTree(response.body()).path("code").asText();
                } catch (Exception e) {
                    code = "unreadable";
                }
                if (!"unavailable".equals(code) || millis >= refusedWithin.toMillis()) {
                    unexpected.add(what + ": 503 " + code + " after " + millis + " ms");
                }
            } else if (status != 200) {
                unexpected.add(what + ": " + status + " " + response.body());
            }
            return response;
        }
    }
}
