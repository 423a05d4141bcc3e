import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where Keyturn's CPU goes, from a JFR recording: CPU samples (JDK 25's jdk.CPUTimeSample where present, else
 * jdk.ExecutionSample) put in one bucket each, by the first rule (in the order below) that any frame of the
 * sample's stack matches, so signing called from JSON code counts as signing. Also: the top methods by self
 * samples, and GC pause time over the recording.
 * <p>
 * Usage: java JfrBreakdown.java recording.jfr [--top 25]
 */
public class JfrBreakdown {

    /** Bucket name and the frame prefixes (class name, or class.method) that put a sample in it. */
    private static final Map<String, List<String>> BUCKETS = new LinkedHashMap<>();
    static {
        BUCKETS.put("bcrypt (password hashing)", List.of("org.mindrot", "io.quarkus.elytron.security.common.BcryptUtil",
                "org.wildfly.security.password.impl.BCrypt"));
        BUCKETS.put("RSA signing/verifying", List.of("sun.security.rsa", "java.math.BigInteger", "sun.security.util.math"));
        BUCKETS.put("EC signing/verifying", List.of("sun.security.ec"));
        BUCKETS.put("HMAC / SHA-256 (refresh tokens, hashes)", List.of("com.sun.crypto.provider.HmacCore",
                "sun.security.provider.SHA2", "sun.security.provider.DigestBase", "javax.crypto.Mac"));
        BUCKETS.put("JWT building and JSON (jose4j, smallrye-jwt-build, JSON-P)", List.of("org.jose4j", "io.smallrye.jwt",
                "org.eclipse.parsson", "jakarta.json"));
        BUCKETS.put("Access-token parsing (AccessTokenParser)", List.of("dev.keyturn.token.AccessTokenParser"));
        BUCKETS.put("Jackson (request/response JSON)", List.of("com.fasterxml.jackson"));
        BUCKETS.put("Hibernate Reactive / ORM", List.of("org.hibernate"));
        BUCKETS.put("PostgreSQL client (Vert.x SQL)", List.of("io.vertx.pgclient", "io.vertx.sqlclient"));
        BUCKETS.put("Quarkus REST / security / CDI", List.of("org.jboss.resteasy.reactive", "io.quarkus.resteasy.reactive",
                "io.quarkus.security", "io.quarkus.vertx.http.runtime.security", "io.quarkus.arc", "io.quarkus.smallrye.jwt"));
        BUCKETS.put("Keyturn code (rest of dev.keyturn)", List.of("dev.keyturn"));
        BUCKETS.put("HTTP server (Vert.x web/core)", List.of("io.vertx.ext.web", "io.vertx.core.http", "io.quarkus.vertx"));
        BUCKETS.put("Netty (sockets, buffers, event loop)", List.of("io.netty"));
        BUCKETS.put("Mutiny", List.of("io.smallrye.mutiny"));
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java JfrBreakdown.java recording.jfr [--top 25]");
            System.exit(2);
        }
        int top = args.length >= 3 && args[1].equals("--top") ? Integer.parseInt(args[2]) : 25;
        List<RecordedEvent> cpuTime = new ArrayList<>();
        List<RecordedEvent> execution = new ArrayList<>();
        double gcPauseMs = 0;
        int gcPauses = 0;
        double longestPauseMs = 0;
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            if (first == null || event.getStartTime().isBefore(first)) {
                first = event.getStartTime();
            }
            if (last == null || event.getEndTime().isAfter(last)) {
                last = event.getEndTime();
            }
            switch (type) {
                case "jdk.CPUTimeSample" -> cpuTime.add(event);
                case "jdk.ExecutionSample" -> execution.add(event);
                case "jdk.GCPhasePause" -> {
                    double ms = event.getDuration().toNanos() / 1e6;
                    gcPauseMs += ms;
                    gcPauses++;
                    longestPauseMs = Math.max(longestPauseMs, ms);
                }
                default -> {
                }
            }
        }
        List<RecordedEvent> samples = cpuTime.isEmpty() ? execution : cpuTime;
        String kind = cpuTime.isEmpty() ? "jdk.ExecutionSample (Java threads in Java code)" : "jdk.CPUTimeSample (CPU time, Linux)";
        Map<String, Integer> buckets = new LinkedHashMap<>();
        BUCKETS.keySet().forEach(name -> buckets.put(name, 0));
        buckets.put("JDK and other", 0);
        Map<String, Integer> selfMethods = new HashMap<>();
        int counted = 0;
        for (RecordedEvent sample : samples) {
            RecordedStackTrace stack = sample.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            counted++;
            List<RecordedFrame> frames = stack.getFrames();
            selfMethods.merge(name(frames.get(0)), 1, Integer::sum);
            buckets.merge(bucket(frames), 1, Integer::sum);
        }
        double seconds = first == null ? 0 : java.time.Duration.between(first, last).toMillis() / 1000.0;
        System.out.printf("recording %s: %.1f s, %d samples of %s%n", args[0], seconds, counted, kind);
        System.out.printf("GC pauses: %d, %.1f ms in all, longest %.1f ms%n%n", gcPauses, gcPauseMs, longestPauseMs);
        System.out.println("CPU samples by component (inclusive: the first matching rule in this order wins):");
        int total = Math.max(1, counted);
        buckets.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> System.out.printf("  %5.1f %%  %6d  %s%n", 100.0 * e.getValue() / total, e.getValue(), e.getKey()));
        System.out.printf("%nTop %d methods by self samples:%n", top);
        selfMethods.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(e -> System.out.printf("  %5.1f %%  %6d  %s%n", 100.0 * e.getValue() / total, e.getValue(), e.getKey()));
    }

    private static String bucket(List<RecordedFrame> frames) {
        for (Map.Entry<String, List<String>> rule : BUCKETS.entrySet()) {
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                for (String prefix : rule.getValue()) {
                    if (name.startsWith(prefix)) {
                        return rule.getKey();
                    }
                }
            }
        }
        return "JDK and other";
    }

    private static String name(RecordedFrame frame) {
        if (frame.getMethod() == null) {
            return "?";
        }
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
