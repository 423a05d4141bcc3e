package dev.keyturn.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A deployment for one IT class, made before its first test and taken down after its last: an embedded PostgreSQL
 * and one or more instances of the packaged service on it ({@link PackagedService}), sharing keys. What a test
 * class needs besides ({@link #with} a variable, {@link #database} settings, replicas) is said where it registers
 * the extension:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final PackagedDeployment deployment = PackagedDeployment.of("keyturn").with("KEYTURN_BCRYPT_COST", "10");
 * </pre>
 */
public final class PackagedDeployment implements BeforeAllCallback, AfterAllCallback {

    private final List<String> instanceNames;
    private final Map<String, String> variables = new HashMap<>();
    private UnaryOperator<EmbeddedPostgres.Builder> databaseSettings = UnaryOperator.identity();
    private boolean issuerAtOwnBase;
    private final List<PackagedService> instances = new ArrayList<>();
    private Path dataDirectory;
    private int databasePort;
    private EmbeddedPostgres database;
    private Path workDirectory;

    private PackagedDeployment(List<String> instanceNames) {
        this.instanceNames = instanceNames;
    }

    /** One instance; its log is {@code <name>.log} in the work directory. */
    public static PackagedDeployment of(String name) {
        return new PackagedDeployment(List.of(name));
    }

    /** Several instances on one database, as replicas behind a load balancer. */
    public static PackagedDeployment replicas(String... names) {
        return new PackagedDeployment(List.of(names));
    }

    /** An environment variable set for every instance, over {@link PackagedService#environment}'s. */
    public PackagedDeployment with(String variable, String value) {
        variables.put(variable, value);
        return this;
    }

    /**
     * Each instance's issuer ({@code KEYTURN_ISSUER}) is its own base URL ({@link PackagedService#base()}), so that a
     * standard client configured with nothing but that URL finds the discovery document there and sees it name the
     * same issuer as the tokens' {@code iss}. Meant for one instance: replicas would each have an issuer of their own.
     */
    public PackagedDeployment issuerAtOwnBase() {
        this.issuerAtOwnBase = true;
        return this;
    }

    /** Settings of the embedded PostgreSQL, e.g. {@code max_connections}. */
    public PackagedDeployment database(UnaryOperator<EmbeddedPostgres.Builder> settings) {
        this.databaseSettings = settings;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String testClass = context.getRequiredTestClass().getSimpleName();
        dataDirectory = Files.createTempDirectory("keyturn-db-" + testClass);
        databasePort = freePort();
        startDatabase();
        workDirectory = Files.createTempDirectory("keyturn-" + testClass);
        Map<String, String> environment = new HashMap<>(PackagedService.environment(databasePort, workDirectory));
        environment.putAll(variables);
        for (String name : instanceNames) {
            if (issuerAtOwnBase) {
                int port = freePort();
                Map<String, String> own = new HashMap<>(environment);
                own.put("KEYTURN_ISSUER", PackagedService.base(port));
                instances.add(PackagedService.start(name, own, workDirectory, port));
            } else {
                instances.add(PackagedService.start(name, environment, workDirectory));
            }
        }
        for (PackagedService instance : instances) {
            instance.awaitReady();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (PackagedService instance : instances) {
            instance.stop();
        }
        stopDatabase();
        try (var files = Files.walk(dataDirectory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public PackagedService service() {
        return instances.get(0);
    }

    public PackagedService service(int index) {
        return instances.get(index);
    }

    public DataSource database() {
        return database.getPostgresDatabase();
    }

    /** Another database of the same server (made with {@code create database}). */
    public DataSource database(String name) {
        return database.getDatabase("postgres", name);
    }

    /** The environment of a new instance on another database of the same server, with this deployment's keys. */
    public Map<String, String> environmentOn(String databaseName) throws IOException {
        Map<String, String> environment = new HashMap<>(PackagedService.environment(databasePort, workDirectory));
        environment.putAll(variables);
        environment.put("KEYTURN_DB_URL", "postgresql://127.0.0.1:" + databasePort + "/" + databaseName);
        return environment;
    }

    public Object sql(String statement) throws Exception {
        return PackagedService.sql(database(), statement);
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** Stops PostgreSQL under the running service; {@link #startDatabase()} brings it back with its data. */
    public void stopDatabase() throws IOException {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** The same cluster on the same port every time: its data survives a stop, as a real database server's would. */
    public void startDatabase() throws IOException {
        database = databaseSettings.apply(EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(databasePort)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "off"))
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
