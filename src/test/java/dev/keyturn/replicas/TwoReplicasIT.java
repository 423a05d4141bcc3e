package dev.keyturn.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.util.KeyUtils;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two instances of the packaged service (two JVMs, two ports) on one PostgreSQL, as two replicas behind
 * a load balancer would be: revocations, reuse detection and concurrent rotation hold across them.
 */
class TwoReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static EmbeddedPostgres database;
    static Path workDirectory;
    static Replica a;
    static Replica b;

    record Replica(Process process, String base) {
    }

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        database = EmbeddedPostgres.builder().start();
        workDirectory = Files.createTempDirectory("keyturn-replicas");
        KeyPair pair = KeyUtils.generateKeyPair(2048);
        Path key = workDirectory.resolve("signing-key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "KEYTURN_DB_URL", "postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                "KEYTURN_DB_USERNAME", "postgres",
                "KEYTURN_SIGNING_KEY", key.toString(),
                "KEYTURN_REFRESH_TOKEN_SECRET", Base64.getEncoder().encodeToString(secret),
                "KEYTURN_REQUIRE_VERIFIED_EMAIL", "false",
                "KEYTURN_BCRYPT_COST", "4",
                "QUARKUS_MAILER_MOCK", "true",
                "QUARKUS_HTTP_HOST", "127.0.0.1"));
        // Every request comes from 127.0.0.1: the production rate limits would count them all together.
        for (String limit : List.of("LOGIN_PER_IP", "LOGIN_PER_ACCOUNT_AND_IP", "LOGIN_PER_ACCOUNT", "SIGNUP_PER_IP",
                "FORGOT_PER_ACCOUNT", "FORGOT_PER_IP", "RESEND_PER_IP", "REFRESH_PER_SESSION")) {
            environment.put("KEYTURN_RATE_LIMIT_" + limit, "100000/PT1M");
        }
        a = start("a", environment);
        b = start("b", environment);
        awaitReady(a);
        awaitReady(b);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Replica replica : new Replica[] { a, b }) {
            if (replica != null) {
                replica.process().destroy();
                replica.process().waitFor();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void logoutOnOneReplicaRejectsTheAccessTokenOnTheOtherWithinOneSecond() throws Exception {
        Map<String, Object> tokens = login(a, newAccount(a));
        String access = (String) tokens.get("access_token");
        assertThat(get(b, "/users/me", access).statusCode()).isEqualTo(200);

        assertThat(post(a, "/auth/logout", Map.of("refresh_token", tokens.get("refresh_token")), null).statusCode())
                .isEqualTo(204);
        long loggedOutAt = System.nanoTime();
        int status;
        do {
            status = get(b, "/users/me", access).statusCode();
        } while (status == 200 && System.nanoTime() - loggedOutAt < Duration.ofSeconds(2).toNanos());
        long millis = (System.nanoTime() - loggedOutAt) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(millis).as("ms until replica b rejected the token").isLessThan(1000);
    }

    @Test
    void aReusedTokenPresentedToTheOtherReplicaRevokesTheSession() throws Exception {
        Map<String, Object> first = login(a, newAccount(a));
        HttpResponse<String> rotated = post(a, "/auth/refresh", Map.of("refresh_token", first.get("refresh_token")), null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        Map<?, ?> second = JSON.readValue(rotated.body(), Map.class);
        String sid = sessionId((String) first.get("refresh_token"));
        // the first token was used long enough ago to be outside the grace window
        sql("update refresh_tokens set used_at = used_at - interval '1 minute' where session_id = '" + sid
                + "' and used_at is not null");

        assertThat(post(b, "/auth/refresh", Map.of("refresh_token", first.get("refresh_token")), null).statusCode())
                .isEqualTo(401);
        assertThat(post(a, "/auth/refresh", Map.of("refresh_token", second.get("refresh_token")), null).statusCode())
                .isEqualTo(401);
        String access = (String) second.get("access_token");
        long start = System.nanoTime();
        while (get(a, "/users/me", access).statusCode() == 200 && System.nanoTime() - start < 2_000_000_000L) {
            Thread.onSpinWait();
        }
        assertThat(get(a, "/users/me", access).statusCode()).isEqualTo(401);
        assertThat(get(b, "/users/me", access).statusCode()).isEqualTo(401);
    }

    @Test
    void concurrentRefreshesSplitAcrossReplicasMakeOneChild() throws Exception {
        Map<String, Object> first = login(a, newAccount(a));
        Object refresh = first.get("refresh_token");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(postAsync(i % 2 == 0 ? a : b, "/auth/refresh", Map.of("refresh_token", refresh)));
        }
        List<Object> children = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            children.add(JSON.readValue(response.body(), Map.class).get("refresh_token"));
        }
        assertThat(children).containsOnly(children.get(0));
        String sid = sessionId((String) refresh);
        assertThat(sql("select count(*) from refresh_tokens where session_id = '" + sid + "'")).isEqualTo(2L);
    }

    // ---------------------------------------------------------------------------------------------

    private static Replica start(String name, Map<String, String> environment) throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDirectory.resolve("replica-" + name + ".log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        return new Replica(builder.start(), "http://127.0.0.1:" + port);
    }

    private static void awaitReady(Replica replica) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!replica.process().isAlive()) {
                throw new IllegalStateException("replica exited; see " + workDirectory);
            }
            try {
                if (get(replica, "/q/health/ready", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replica not ready in 90 s; see " + workDirectory);
    }

    private static Map<String, String> newAccount(Replica replica) throws Exception {
        String name = "replica" + UUID.randomUUID().toString().substring(0, 12);
        Map<String, String> account = Map.of("username", name, "email", name + "@example.com",
                "password", "correct horse battery staple");
        assertThat(post(replica, "/auth/signup", account, null).statusCode()).isEqualTo(201);
        return account;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> login(Replica replica, Map<String, String> account) throws Exception {
        HttpResponse<String> response = post(replica, "/auth/login",
                Map.of("email", account.get("email"), "password", account.get("password")), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readValue(response.body(), Map.class);
    }

    private static String sessionId(String jwt) throws Exception {
        byte[] payload = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
        return (String) JSON.readValue(payload, Map.class).get("sid");
    }

    private static HttpResponse<String> get(Replica replica, String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.base() + path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Replica replica, String path, Object body, String bearer) throws Exception {
        return postAsync(replica, path, body).get();
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(Replica replica, String path, Object body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(replica.base() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
            return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object sql(String statement) throws Exception {
        try (Connection connection = database.getPostgresDatabase().getConnection();
                Statement sql = connection.createStatement()) {
            if (!sql.execute(statement)) {
                return (long) sql.getUpdateCount();
            }
            try (ResultSet rows = sql.getResultSet()) {
                return rows.next() ? rows.getObject(1) : null;
            }
        }
    }
}
