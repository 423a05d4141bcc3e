// Soak: a long run of mixed load at a fixed fraction of the measured capacity, sampled every few seconds.
//
// Single file, JDK only (java.net.http + threads); run with JDK 21+ in source mode, usually through
// bench/soak/soak.sh:  java bench/soak/Soak.java --base http://127.0.0.1:8081 --pid 1234 --duration 30m
//
// 1. Calibrate: --calibrate (20 s) of the same mix, closed loop at --concurrency virtual users, as fast as the
//    service answers: that throughput is the capacity.
// 2. Soak: --duration of the mix, open loop at --load (0.5) x capacity: each virtual user sends on a fixed
//    schedule, and a late request's latency counts from when it was due (no coordinated omission).
// 3. Every --interval it appends one CSV line (--csv): requests, errors, rps, p50/p99/max ms, and the RSS and
//    CPU of --pid; at the end it prints a summary (also to --summary).
// Mix per request: 70 % GET /users/me, 25 % POST /auth/refresh (each virtual user rotates its own token),
// 5 % POST /auth/login. Accounts user%04d@bench.local / bench-pass-1 (bench/seed.sh); loopback only.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Soak {

    static String base = "http://127.0.0.1:8081";
    static long pid = -1;
    static Duration duration = Duration.ofMinutes(30);
    static Duration interval = Duration.ofSeconds(10);
    static Duration calibrate = Duration.ofSeconds(20);
    static double load = 0.5;
    static double rate = 0; // requests per second; 0 = load x calibrated capacity
    static int concurrency = 16;
    static int users = 200;
    static String password = "bench-pass-1";
    static Path csv = Path.of("/tmp/keyturn-bench/soak.csv");
    static Path summary = null;

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern TOKEN = Pattern.compile("\"(access_token|refresh_token)\"\\s*:\\s*\"([^\"]+)\"");

    /** Latencies (microseconds) and errors of the current interval; swapped out at each sample. */
    static final class Window {
        long[] latencies = new long[1 << 16];
        int count;
        long errors;
        final Map<String, Long> errorKinds = new TreeMap<>();

        synchronized void ok(long micros) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = micros;
        }

        synchronized void error(String kind) {
            errors++;
            errorKinds.merge(kind, 1L, Long::sum);
        }

        synchronized Window drain() {
            Window copy = new Window();
            copy.latencies = Arrays.copyOf(latencies, count);
            copy.count = count;
            copy.errors = errors;
            copy.errorKinds.putAll(errorKinds);
            count = 0;
            errors = 0;
            errorKinds.clear();
            return copy;
        }

        long percentile(double p) {
            if (count == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)];
        }
    }

    static final Window window = new Window();

    public static void main(String[] args) throws Exception {
        parse(args);
        if (!base.matches("http://(127\\.[0-9.]+|localhost|\\[::1\\])(:[0-9]+)?/?")) {
            throw new IllegalArgumentException("--base must be a loopback URL");
        }
        System.err.printf("soak: %s, pid %d, calibrate %s at c=%d, then %s at %s, sample every %s%n", base, pid,
                calibrate, concurrency, duration, rate > 0 ? rate + " rps" : load + " x capacity", interval);

        double capacity = 0;
        if (rate <= 0) {
            capacity = run(calibrate, 0);
            rate = Math.max(1, capacity * load);
            System.err.printf("soak: capacity %.1f rps on the mix; soaking at %.1f rps%n", capacity, rate);
        }
        window.drain();
        Files.createDirectories(csv.toAbsolutePath().getParent());
        Files.writeString(csv, "elapsed_s,requests,errors,rps,p50_ms,p99_ms,max_ms,rss_mib,cpu_pct\n");
        Sampler sampler = new Sampler();
        Thread sampling = Thread.ofPlatform().daemon().start(sampler);
        run(duration, rate);
        sampling.interrupt();
        sampling.join();
        sampler.sample(); // the last partial interval
        String text = sampler.summary(capacity);
        System.out.print(text);
        if (summary != null) {
            Files.writeString(summary, text);
        }
    }

    /** Runs the mix for a while: closed loop when rate is 0 (returns the throughput), else paced at rate. */
    static double run(Duration length, double rps) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        // Every virtual user logs in first, unmeasured; the clock starts when all have.
        long[] start = new long[1];
        CyclicBarrier ready = new CyclicBarrier(concurrency, () -> {
            start[0] = System.nanoTime();
            window.drain();
        });
        long periodNanos = rps > 0 ? (long) (1e9 * concurrency / rps) : 0;
        for (int i = 0; i < concurrency; i++) {
            int user = i % users + 1;
            long offset = periodNanos * i / concurrency;
            threads.add(Thread.ofPlatform().start(() -> virtualUser(user, ready, start, offset, periodNanos, length, completed)));
        }
        for (Thread t : threads) {
            t.join();
        }
        return completed.get() / (length.toNanos() / 1e9);
    }

    static void virtualUser(int user, CyclicBarrier ready, long[] start, long offset, long periodNanos, Duration length,
            AtomicLong completed) {
        String email = String.format(Locale.ROOT, "user%04d@bench.local", user);
        String[] tokens = null;
        try {
            tokens = login(email, System.nanoTime());
        } catch (Exception e) {
            // logs in again below
        }
        try {
            ready.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long due = start[0] + offset;
        long end = start[0] + length.toNanos();
        while (true) {
            if (periodNanos > 0) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
            }
            long sent = periodNanos > 0 ? due : System.nanoTime();
            if (sent >= end || System.nanoTime() >= end) {
                return;
            }
            due += periodNanos;
            try {
                if (tokens == null) {
                    tokens = login(email, sent);
                    continue;
                }
                int dice = ThreadLocalRandom.current().nextInt(100);
                if (dice < 5) {
                    tokens = login(email, sent);
                } else if (dice < 30) {
                    tokens = refresh(tokens, sent);
                } else {
                    me(tokens, sent);
                }
                completed.incrementAndGet();
            } catch (Failure f) {
                window.error(f.getMessage());
                tokens = null; // log in again, as a client would
            } catch (Exception e) {
                window.error(e.getClass().getSimpleName());
                tokens = null;
            }
        }
    }

    static final class Failure extends Exception {
        Failure(String kind) {
            super(kind, null, false, false);
        }
    }

    static String[] login(String email, long sent) throws Exception {
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
        return tokens(send(post("/auth/login", body), sent, "login"));
    }

    static String[] refresh(String[] tokens, long sent) throws Exception {
        return tokens(send(post("/auth/refresh", "{\"refresh_token\":\"" + tokens[1] + "\"}"), sent, "refresh"));
    }

    static void me(String[] tokens, long sent) throws Exception {
        send(HttpRequest.newBuilder(URI.create(base + "/users/me")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens[0]).GET().build(), sent, "me");
    }

    static HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String send(HttpRequest request, long sent, String name) throws Exception {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failure(name + " " + e.getClass().getSimpleName());
        }
        if (response.statusCode() != 200) {
            throw new Failure(name + " " + response.statusCode());
        }
        window.ok((System.nanoTime() - sent) / 1000);
        return response.body();
    }

    static String[] tokens(String body) throws Failure {
        String[] tokens = new String[2];
        Matcher m = TOKEN.matcher(body);
        while (m.find()) {
            tokens[m.group(1).equals("access_token") ? 0 : 1] = m.group(2);
        }
        if (tokens[0] == null || tokens[1] == null) {
            throw new Failure("no tokens in the answer");
        }
        return tokens;
    }

    static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every interval: one CSV line with the interval's latencies and errors and the server's RSS and CPU. */
    static final class Sampler implements Runnable {
        final long started = System.nanoTime();
        long lastSample = started;
        long lastCpuTicks = cpuTicks();
        long requests;
        long errors;
        final Map<String, Long> errorKinds = new TreeMap<>();
        final List<long[]> p99s = new ArrayList<>(); // elapsed s, p99 µs
        final List<long[]> rss = new ArrayList<>(); // elapsed s, KiB
        long maxMicros;

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                sample();
            }
        }

        synchronized void sample() {
            long now = System.nanoTime();
            double seconds = (now - lastSample) / 1e9;
            if (seconds < 1) {
                return;
            }
            Window w = window.drain();
            long ticks = cpuTicks();
            double cpu = ticks < 0 ? -1 : 100.0 * (ticks - lastCpuTicks) / 100.0 / seconds; // CLK_TCK = 100
            lastSample = now;
            lastCpuTicks = ticks;
            long elapsed = Math.round((now - started) / 1e9);
            long rssKib = rssKib();
            requests += w.count + w.errors;
            errors += w.errors;
            w.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Long::sum));
            long p99 = w.percentile(0.99);
            long max = w.percentile(1.0);
            maxMicros = Math.max(maxMicros, max);
            if (w.count > 0) {
                p99s.add(new long[] { elapsed, p99 });
            }
            rss.add(new long[] { elapsed, rssKib });
            String line = String.format(Locale.ROOT, "%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.0f%n", elapsed,
                    w.count + w.errors, w.errors, w.count / seconds, w.percentile(0.5) / 1000.0, p99 / 1000.0,
                    max / 1000.0, rssKib / 1024.0, cpu);
            try {
                Files.writeString(csv, line, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.err.print("soak: " + line);
        }

        String summary(double capacity) {
            long[] p99 = p99s.stream().mapToLong(a -> a[1]).sorted().toArray();
            long[] kib = rss.stream().mapToLong(a -> a[1]).toArray();
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "soak %s: %s at %.1f rps%s, %d samples every %s%n", Instant.now(), duration,
                    rate, capacity > 0 ? String.format(Locale.ROOT, " (%.0f %% of a measured %.1f rps)", load * 100, capacity) : "",
                    p99s.size(), interval));
            s.append(String.format(Locale.ROOT, "requests %d, errors %d (%.3f %%)%s%n", requests, errors,
                    requests == 0 ? 0 : 100.0 * errors / requests, errorKinds.isEmpty() ? "" : " " + errorKinds));
            if (p99.length > 0) {
                s.append(String.format(Locale.ROOT, "p99 per interval: min %.1f ms, median %.1f ms, max %.1f ms; max latency %.1f ms%n",
                        p99[0] / 1000.0, p99[p99.length / 2] / 1000.0, p99[p99.length - 1] / 1000.0, maxMicros / 1000.0));
                s.append(String.format(Locale.ROOT, "p99 first / last interval: %.1f ms / %.1f ms%n",
                        p99s.get(0)[1] / 1000.0, p99s.get(p99s.size() - 1)[1] / 1000.0));
            }
            if (kib.length > 0 && kib[0] > 0) {
                s.append(String.format(Locale.ROOT, "RSS of pid %d: first %.0f MiB, last %.0f MiB, max %.0f MiB%n", pid,
                        kib[0] / 1024.0, kib[kib.length - 1] / 1024.0, Arrays.stream(kib).max().getAsLong() / 1024.0));
            }
            s.append("CSV: ").append(csv).append('\n');
            return s.toString();
        }
    }

    static long rssKib() {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return 0;
    }

    static long cpuTicks() {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static Duration duration(String text) {
        Matcher m = Pattern.compile("([0-9.]+)(ms|s|m|h)?").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return Duration.ofMillis((long) (n * switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        }));
    }

    static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--base" -> base = value;
                case "--pid" -> pid = Long.parseLong(value);
                case "--duration" -> duration = duration(value);
                case "--interval" -> interval = duration(value);
                case "--calibrate" -> calibrate = duration(value);
                case "--load" -> load = Double.parseDouble(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--users" -> users = Integer.parseInt(value);
                case "--password" -> password = value;
                case "--csv" -> csv = Path.of(value);
                case "--summary" -> summary = Path.of(value);
                case "-h", "--help" -> {
                    System.out.println("java Soak.java [--base URL] [--pid PID] [--duration 30m] [--interval 10s]"
                            + " [--calibrate 20s] [--load 0.5 | --rate RPS] [--concurrency 16] [--users 200]"
                            + " [--csv FILE] [--summary FILE]");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
    }
}
