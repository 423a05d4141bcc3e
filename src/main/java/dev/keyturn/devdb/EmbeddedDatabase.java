package dev.keyturn.devdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL per JVM, shared by every application start in it (dev-mode live reloads and
 * test restarts load this class again in new class loaders, so the running server is found through a
 * system property, not a static field).
 * <p>
 * Dev mode keeps its data under {@code target/keyturn-dev-db} so accounts survive a restart of dev mode;
 * tests get a cluster in a temporary directory that is deleted when the JVM exits.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    static final String PORT_PROPERTY = "keyturn.embedded-db.port";
    private static final String DATA_DIRECTORY_PROPERTY = "keyturn.embedded-db.data-directory";
    private static final String USER = "postgres";
    private static final String DATABASE = "postgres";

    private static EmbeddedPostgres server;

    private final int port;

    private EmbeddedDatabase(int port) {
        this.port = port;
    }

    public String url() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public int port() {
        return port;
    }

    static EmbeddedDatabase startOrReuse(boolean persistent) {
        synchronized (System.getProperties()) {
            String running = System.getProperty(PORT_PROPERTY);
            if (running != null) {
                return new EmbeddedDatabase(Integer.parseInt(running));
            }
            Path dataDirectory = persistent ? Path.of("target", "keyturn-dev-db").toAbsolutePath() : temporaryDirectory();
            start(dataDirectory, 0);
            return new EmbeddedDatabase(server.getPort());
        }
    }

    /** Stops the embedded server, keeping its data (tests of database outages use this). */
    public static void stop() {
        synchronized (System.getProperties()) {
            if (server == null) {
                throw new IllegalStateException("no embedded PostgreSQL was started in this class loader");
            }
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the embedded server again on the same port with the same data. */
    public static void restart() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT_PROPERTY);
            String directory = System.getProperty(DATA_DIRECTORY_PROPERTY);
            if (port == null || directory == null) {
                throw new IllegalStateException("no embedded PostgreSQL to restart");
            }
            start(Path.of(directory), Integer.parseInt(port));
        }
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("keyturn-test-db");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeQuietly();
                deleteRecursively(directory);
            }, "keyturn-test-db-cleanup"));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("embedded PostgreSQL did not stop cleanly", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("could not delete %s", directory);
        }
    }

    private static void start(Path dataDirectory, int port) {
        long started = System.nanoTime();
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
            if (port != 0) {
                builder.setPort(port);
            }
            // The cluster keeps its data when the server stops, so that it can be started again.
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
        System.setProperty(PORT_PROPERTY, Integer.toString(server.getPort()));
        System.setProperty(DATA_DIRECTORY_PROPERTY, dataDirectory.toString());
        LOG.infof("Started an embedded PostgreSQL on 127.0.0.1:%d in %d ms (no KEYTURN_DB_URL configured), data in %s",
                server.getPort(), (System.nanoTime() - started) / 1_000_000, dataDirectory);
    }
}
