package dev.keyturn.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standard client project of {@code clients/} (its own pom.xml or package.json, no part of Keyturn's build), built
 * and run as a process of its own against the packaged service.
 * <p>
 * Builds work on a copy in {@code target/clients/<name>}, so the source tree stays clean, and are done once: a copy
 * whose sources have the same digest as at its last successful build is used as it is. Maven builds run through the
 * project's {@code ./mvnw}, offline when the enclosing build was ({@code keyturn.it.maven.offline}) and on the same
 * local repository ({@code keyturn.it.maven.repo.local}), both set by failsafe (pom.xml); npm installs exactly the
 * committed lockfile ({@code npm ci --prefer-offline}). Every build and process logs to
 * {@code target/clients/<name>*.log}.
 */
public final class ClientStack implements AutoCloseable {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SOURCES = ROOT.resolve("clients");
    private static final Path BUILDS = ROOT.resolve("target").resolve("clients");
    /** What a build leaves in a project's directory, never part of its sources. */
    private static final Set<String> OUTPUTS = Set.of("target", "node_modules");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ClientStack(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    // --------------------------------------------------------------------------------------------- building

    /** {@code clients/<name>} built with {@code mvn package -DskipTests}; returns the built copy's directory. */
    public static Path mavenBuild(String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp", "-q"));
        if ("offline=true".equals(System.getProperty("keyturn.it.maven.offline"))) {
            command.add("-o");
        }
        String repository = System.getProperty("keyturn.it.maven.repo.local", "");
        if (!repository.isBlank() && !repository.contains("${")) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        command.addAll(List.of("-f", "pom.xml", "package", "-DskipTests"));
        return build(name, command, Duration.ofMinutes(5));
    }

    /** {@code clients/<name>} with its dependencies installed from its lockfile; returns the copy's directory. */
    public static Path npmInstall(String name) throws Exception {
        return build(name, List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"), Duration.ofMinutes(3));
    }

    private static Path build(String name, List<String> command, Duration timeout) throws Exception {
        Path source = SOURCES.resolve(name);
        Path copy = BUILDS.resolve(name);
        Path stamp = BUILDS.resolve(name + ".sources-sha256");
        String digest = digest(source);
        if (Files.isDirectory(copy) && Files.exists(stamp) && Files.readString(stamp).equals(digest)) {
            return copy;
        }
        delete(copy);
        Files.deleteIfExists(stamp);
        copy(source, copy);
        Path log = BUILDS.resolve(name + "-build.log");
        int exit = run(command, copy, Map.of(), log, timeout);
        if (exit != 0) {
            throw new IllegalStateException("building " + name + " (" + String.join(" ", command) + ") exited " + exit
                    + "; see " + log + ":\n" + tail(log));
        }
        Files.writeString(stamp, digest);
        return copy;
    }

    /** Runs a command to its end, output to {@code log}; returns its exit code. */
    public static int run(List<String> command, Path directory, Map<String, String> environment, Path log,
            Duration timeout) throws Exception {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    private static String digest(Path directory) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : sourceFiles(directory)) {
            sha.update(directory.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(file));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> sourceFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> directory.relativize(file).getNameCount() == 1
                            || !OUTPUTS.contains(directory.relativize(file).getName(0).toString()))
                    .sorted()
                    .toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        for (Path file : sourceFiles(from)) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    // --------------------------------------------------------------------------------------------- running

    /** The JVM that runs the tests, to run the clients' jars with. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts a server process in {@code directory} that listens on {@code port}, and waits until it answers HTTP
     * (any status) on {@code probe}.
     */
    public static ClientStack start(String name, List<String> command, Path directory, Map<String, String> environment,
            int port, String probe) throws Exception {
        Path log = BUILDS.resolve(name + ".log");
        Files.createDirectories(BUILDS);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        ClientStack stack = new ClientStack(name, builder.start(), log, port);
        try {
            stack.awaitListening(probe, Duration.ofSeconds(60));
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void awaitListening(String probe, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited " + process.exitValue() + "; see " + log + ":\n" + tail(log));
            }
            try {
                get(probe, null);
                return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not listening in " + timeout + "; see " + log + ":\n" + tail(log));
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The end of the process's log, for assertion messages. */
    public String logTail() {
        return name + " log " + log + ":\n" + tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
