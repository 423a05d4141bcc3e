package dev.keyturn.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.util.KeyUtils;

/**
 * The packaged service (the native executable or {@code target/quarkus-app/quarkus-run.jar}, whichever the build
 * made) run as a process of its own, the way it runs in production (prod profile, real keys, a PostgreSQL named by
 * {@code KEYTURN_DB_URL}), for the failsafe ITs that need real processes: replicas, restarts, SIGTERM. Its log
 * goes to {@code <work directory>/<name>.log}.
 */
public final class PackagedService {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1, as a load balancer or ingress usually speaks to the service (the JDK client would try h2c). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private Map<String, String> environment;
    private final Path workDirectory;
    private final int port;
    private Process process;

    private PackagedService(String name, Map<String, String> environment, Path workDirectory, int port) {
        this.name = name;
        this.environment = environment;
        this.workDirectory = workDirectory;
        this.port = port;
    }

    /**
     * The environment of a production-like instance on the given PostgreSQL: keys made once into
     * {@code workDirectory} (so every instance made from it shares them), mail mocked, bcrypt cheap, no
     * email verification needed to log in, loopback only.
     */
    public static Map<String, String> environment(int databasePort, Path workDirectory) throws IOException {
        Path key = signingKey(workDirectory);
        Path secret = workDirectory.resolve("refresh-token-secret");
        if (!Files.exists(key)) {
            KeyPair pair = generateKeyPair();
            Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(secret, Base64.getEncoder().encodeToString(bytes));
        }
        Map<String, String> environment = new HashMap<>();
        environment.put("KEYTURN_DB_URL", "postgresql://127.0.0.1:" + databasePort + "/postgres");
        environment.put("KEYTURN_DB_USERNAME", "postgres");
        environment.put("KEYTURN_SIGNING_KEY", key.toString());
        environment.put("KEYTURN_REFRESH_TOKEN_SECRET", Files.readString(secret));
        environment.put("KEYTURN_REQUIRE_VERIFIED_EMAIL", "false");
        environment.put("KEYTURN_BCRYPT_COST", "4");
        environment.put("QUARKUS_MAILER_MOCK", "true");
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // Every request of a test comes from 127.0.0.1: the production rate limits would count them all together.
        for (String limit : List.of("LOGIN_PER_IP", "LOGIN_PER_ACCOUNT_AND_IP", "LOGIN_PER_ACCOUNT", "SIGNUP_PER_IP",
                "FORGOT_PER_ACCOUNT", "FORGOT_PER_IP", "RESEND_PER_IP", "REFRESH_PER_SESSION")) {
            environment.put("KEYTURN_RATE_LIMIT_" + limit, "100000/PT1M");
        }
        return environment;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static KeyPair generateKeyPair() {
        try {
            return KeyUtils.generateKeyPair(2048);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts an instance on a free port; {@link #awaitReady()} waits for it. */
    public static PackagedService start(String name, Map<String, String> environment, Path workDirectory)
            throws IOException {
        return start(name, environment, workDirectory, freePort());
    }

    /** Starts an instance on the given port, e.g. one its {@code KEYTURN_ISSUER} already names; see {@link #base(int)}. */
    public static PackagedService start(String name, Map<String, String> environment, Path workDirectory, int port)
            throws IOException {
        PackagedService service = new PackagedService(name, Map.copyOf(environment), workDirectory, port);
        service.launch();
        return service;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDirectory.resolve(name + ".log").toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        process = builder.start();
    }

    /**
     * What the build packaged, as Quarkus records it for {@code @QuarkusIntegrationTest}
     * ({@code target/quarkus-artifact.properties}): the native executable after {@code -Dnative}, else the JVM jar.
     */
    private static List<String> command() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Properties artifact = artifact();
        if ("native".equals(artifact.getProperty("type"))) {
            return List.of(target.resolve(artifact.getProperty("path")).toString());
        }
        Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar");
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString());
    }

    /** Whether the instances run the native executable rather than the JVM jar. */
    public static boolean nativeExecutable() throws IOException {
        return "native".equals(artifact().getProperty("type"));
    }

    private static Properties artifact() throws IOException {
        Properties artifact = new Properties();
        Path recorded = Path.of("target").toAbsolutePath().resolve("quarkus-artifact.properties");
        if (Files.exists(recorded)) {
            try (var in = Files.newInputStream(recorded)) {
                artifact.load(in);
            }
        }
        return artifact;
    }

    /** Starts the instance again, after {@link #stop()}, on the same port with the same environment. */
    public PackagedService restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
        awaitReady();
        return this;
    }

    public PackagedService awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + workDirectory.resolve(name + ".log"));
            }
            try {
                if (get("/q/health/ready", null).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready in 90 s; see " + workDirectory.resolve(name + ".log"));
    }

    /**
     * Starts the instance again, after {@link #stop()} or {@link #kill()}, with some variables changed (a null value
     * removes one); later restarts keep the change.
     */
    public PackagedService restartWith(Map<String, String> changes) throws Exception {
        Map<String, String> changed = new HashMap<>(environment);
        changes.forEach((variable, value) -> {
            if (value == null) {
                changed.remove(variable);
            } else {
                changed.put(variable, value);
            }
        });
        environment = Map.copyOf(changed);
        return restart();
    }

    /** SIGKILL: the process dies at once, as in a crash or an out-of-memory kill, and none of its shutdown runs. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM (what Kubernetes sends), then waits for the process to exit; returns its exit code. */
    public int stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return process == null ? -1 : process.exitValue();
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    public String base() {
        return base(port);
    }

    /** The base URL of an instance on this port (it listens on 127.0.0.1 only). */
    public static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The PKCS#8 PEM file of the signing key that {@link #environment} made in the work directory. */
    public static Path signingKey(Path workDirectory) {
        return workDirectory.resolve("signing-key.pem");
    }

    public Path log() {
        return workDirectory.resolve(name + ".log");
    }

    // --------------------------------------------------------------------------------------------- HTTP

    public HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any method, with a JSON body (or none) and a bearer token (or none). */
    public HttpResponse<String> send(String method, String path, Object body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, Object body) throws Exception {
        return postAsync(path, body).get();
    }

    public CompletableFuture<HttpResponse<String>> postAsync(String path, Object body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
            return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new account (email verification is off in {@link #environment}); returns email and password. */
    public Map<String, String> newAccount(String prefix) throws Exception {
        String username = prefix + java.util.UUID.randomUUID().toString().substring(0, 12);
        Map<String, String> account = Map.of("username", username, "email", username + "@example.com",
                "password", "correct horse battery staple");
        HttpResponse<String> created = post("/auth/signup", account);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("sign-up answered " + created.statusCode() + ": " + created.body());
        }
        return account;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> login(Map<String, String> account) throws Exception {
        HttpResponse<String> response = post("/auth/login",
                Map.of("email", account.get("email"), "password", account.get("password")));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readValue(response.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        return JSON.readValue(response.body(), Map.class);
    }

    /** The {@code sid} claim of a token, read without verifying it. */
    public static String sessionId(Object jwt) throws IOException {
        byte[] payload = Base64.getUrlDecoder().decode(((String) jwt).split("\\.")[1]);
        return (String) JSON.readValue(payload, Map.class).get("sid");
    }

    /** Runs one SQL statement: the first column of the first row, or the update count. */
    public static Object sql(DataSource database, String statement) throws SQLException {
        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            if (!sql.execute(statement)) {
                return (long) sql.getUpdateCount();
            }
            try (ResultSet rows = sql.getResultSet()) {
                return rows.next() ? rows.getObject(1) : null;
            }
        }
    }
}
