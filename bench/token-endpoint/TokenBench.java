// TokenBench - closed-loop load on OAuth 2.0 token endpoints (RFC 6749): client_credentials and refresh_token.
//
// Single file, JDK only (java.net.http + virtual threads); run in source mode with JDK 21+:
//   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/token-endpoint/TokenBench.java --help
// bench/token-endpoint/token-endpoint.sh drives it against Keyturn and Keycloak (bench/README.md, "Token endpoint").
// Output: one JSON line per measured (round, scenario, target) on stdout (and --out); progress on stderr.

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

public class TokenBench {

    static final String USAGE = """
        TokenBench - load on OAuth 2.0 token endpoints (JDK only)

        java TokenBench.java [run] --target SPEC [--target SPEC ...] [options]
        java TokenBench.java summarize [--skip-rounds N] [--ref NAME] FILE...   markdown tables (medians over rounds)

        Target SPEC: key=value,... (no commas inside values)
          name=LABEL          label in the results (required)
          token_url=URL       the token endpoint (loopback only)
          alg=RS256|ES256     the signing algorithm the target is configured for; the "alg" of the first token's JOSE
                              header is checked against it (a mismatch fails the run)
          pid=PID, db_pid=PID server process and database process: CPU (with descendants) and RSS are reported
          cc_client=ID        client_credentials: a confidential client, authenticated with client_secret_basic
          cc_secret_env=VAR   ... whose secret is in environment variable VAR (never on the command line)
          cc_scope=S          ... the scope parameter (absent by default)
          rt_client=ID        refresh_token: a public client; each virtual user logs in once with the password grant
          user_format=FMT     ... String.format with the user index (user%04d@bench.local)
          user_count=N, password=PW, scope=S   (200, bench-pass-1, no scope parameter)
        Options:
          --scenarios client_credentials,refresh_token   in this order within a round
          --concurrency 16    virtual users
          --duration 20s      measured window per run; --warmup 5s unmeasured before it (same users and connections)
          --prewarm 0         once, before round 1: an unreported run of every (target, scenario) this long
          --rounds 3          target order alternates each round (ABBA)
          --pause 2s          idle time between runs;  --timeout 30s per request
          --out FILE          also append the JSON lines to FILE
        Semantics: closed loop (each virtual user sends its next request when the previous one answered).
          client_credentials: each request asks for a new access token (grant_type=client_credentials, HTTP Basic).
          refresh_token: each user logs in once (untimed), then rotates its own refresh token, always the newest;
          after an error it logs in again (untimed, counted in relogins).
          rps = successful requests / measured seconds; latencies (exact, from all samples) of successful requests;
          errors = non-2xx, a body without the expected tokens, or an I/O error.
          *_cpu_pct are % of one core over the window; *_cpu_ms_per_req is that CPU per successful request;
          other_cpu_pct is the machine's busy time not accounted to this client, pid or db_pid (other jobs).
        """;

    enum Scenario {
        client_credentials, refresh_token;

        static Scenario of(String s) {
            return switch (s.trim()) {
                case "client_credentials", "cc" -> client_credentials;
                case "refresh_token", "refresh", "rt" -> refresh_token;
                default -> throw new IllegalArgumentException("unknown scenario " + s);
            };
        }
    }

    record Tokens(String access, String refresh) {}

    static final class Target {
        final String name, tokenUrl, alg, ccClient, ccAuthorization, ccScope, rtClient, scope, password, userFormat;
        final int userCount;
        final long pid, dbPid;
        volatile String tokenAlg; // from the first token seen

        Target(String spec) throws IOException {
            Map<String, String> o = new LinkedHashMap<>();
            for (String part : spec.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("bad target option '" + part + "' in " + spec);
                o.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
            name = req(o, "name");
            tokenUrl = req(o, "token_url");
            alg = o.getOrDefault("alg", "");
            pid = Long.parseLong(o.getOrDefault("pid", "0"));
            dbPid = Long.parseLong(o.getOrDefault("db_pid", "0"));
            ccClient = o.get("cc_client");
            if (ccClient != null) {
                String var = req(o, "cc_secret_env"), secret = System.getenv(var);
                if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("environment variable " + var + " is empty");
                // RFC 6749 section 2.3.1: client_id and secret form-encoded, then Basic.
                ccAuthorization = "Basic " + Base64.getEncoder().encodeToString(
                        (enc(ccClient) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
            } else ccAuthorization = null;
            ccScope = o.getOrDefault("cc_scope", "");
            rtClient = o.get("rt_client");
            scope = o.getOrDefault("scope", "");
            password = o.getOrDefault("password", "bench-pass-1");
            userFormat = o.getOrDefault("user_format", "user%04d@bench.local");
            userCount = Integer.parseInt(o.getOrDefault("user_count", "200"));
            String host = URI.create(tokenUrl).getHost();
            if (!InetAddress.getByName(host).isLoopbackAddress())
                throw new IllegalArgumentException("refusing non-loopback target " + tokenUrl);
        }

        boolean supports(Scenario s) { return s == Scenario.client_credentials ? ccClient != null : rtClient != null; }

        HttpRequest.Builder form(String body) {
            return HttpRequest.newBuilder(URI.create(tokenUrl)).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }

        HttpRequest.Builder clientCredentials() {
            return form("grant_type=client_credentials" + (ccScope.isEmpty() ? "" : "&scope=" + enc(ccScope)))
                    .header("Authorization", ccAuthorization);
        }

        HttpRequest.Builder password(int user) {
            String u = String.format(Locale.ROOT, userFormat, user);
            return form("grant_type=password&client_id=" + enc(rtClient) + "&username=" + enc(u) + "&password=" + enc(password)
                    + (scope.isEmpty() ? "" : "&scope=" + enc(scope)));
        }

        HttpRequest.Builder refresh(String rt) {
            return form("grant_type=refresh_token&client_id=" + enc(rtClient) + "&refresh_token=" + enc(rt));
        }
    }

    static String req(Map<String, String> o, String k) {
        String v = o.get(k);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("target option " + k + " is required");
        return v;
    }

    /** One virtual user; single-threaded, so its counters need no synchronisation. */
    static final class VU {
        final int id, stride;
        final Target t;
        final HttpClient http;
        final Duration timeout;
        int logins;
        Tokens tok;
        long ok, err, relogins;
        long[] lat = new long[1024];
        int n;
        final Map<String, Long> errKinds = new TreeMap<>();
        final Map<String, String> errSample = new TreeMap<>();

        VU(int id, int stride, Target t, HttpClient http, Duration timeout) {
            this.id = id; this.stride = stride; this.t = t; this.http = http; this.timeout = timeout;
        }

        void reset() { ok = err = relogins = 0; n = 0; errKinds.clear(); errSample.clear(); }

        HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
            return http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        }

        void error(String kind, String sample) {
            err++;
            errKinds.merge(kind, 1L, Long::sum);
            if (sample != null) errSample.putIfAbsent(kind, sample.length() > 160 ? sample.substring(0, 160) : sample);
        }

        /** Password grant, untimed, up to three tries; users rotate so that no two virtual users share one. */
        boolean login() {
            for (int attempt = 0; attempt < 3; attempt++) {
                int user = 1 + (id + logins++ * stride) % t.userCount;
                try {
                    HttpResponse<String> r = send(t.password(user));
                    Tokens tk = new Tokens(Json.str(r.body(), "access_token"), Json.str(r.body(), "refresh_token"));
                    if (r.statusCode() == 200 && tk.access() != null && tk.refresh() != null) { tok = tk; noteAlg(tk.access()); return true; }
                    if (attempt == 2) System.err.println("  [" + t.name + "] login failed: HTTP " + r.statusCode() + " " + trunc(r.body()));
                } catch (IOException e) {
                    if (attempt == 2) System.err.println("  [" + t.name + "] login failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            tok = null;
            return false;
        }

        void noteAlg(String jwt) { if (t.tokenAlg == null) t.tokenAlg = jwtAlg(jwt); }

        void step(Scenario s) {
            HttpRequest.Builder b;
            if (s == Scenario.client_credentials) b = t.clientCredentials();
            else {
                if (tok == null) {
                    error("no_session", null);
                    if (login()) relogins++; else sleep(100);
                    return;
                }
                b = t.refresh(tok.refresh());
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r;
            try {
                r = send(b);
            } catch (IOException e) {
                error(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                if (s == Scenario.refresh_token) tok = null; // the answer may have rotated the token: start over
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long dt = System.nanoTime() - t0;
            String at = r.statusCode() == 200 ? Json.str(r.body(), "access_token") : null;
            String rt = s == Scenario.refresh_token && at != null ? Json.str(r.body(), "refresh_token") : null;
            if (r.statusCode() != 200 || at == null || (s == Scenario.refresh_token && rt == null)) {
                error(r.statusCode() != 200 ? "http_" + r.statusCode() : "no_tokens_in_body", r.body());
                if (s == Scenario.refresh_token) { tok = null; if (login()) relogins++; }
                return;
            }
            if (s == Scenario.refresh_token) tok = new Tokens(at, rt);
            noteAlg(at);
            ok++;
            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
            lat[n++] = dt;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CPU and RSS from /proc
    // ---------------------------------------------------------------------------------------------------------------

    static final double CLK_TCK = 100.0; // USER_HZ on Linux

    /** utime + stime ticks of pid and its live descendants, and their summed VmRSS in KiB. */
    static long[] procTree(long pid) {
        if (pid <= 0) return new long[] {0, 0};
        long ticks = 0, rss = 0;
        List<Long> pids = new ArrayList<>(List.of(pid));
        ProcessHandle.of(pid).ifPresent(ph -> ph.descendants().forEach(d -> pids.add(d.pid())));
        for (long p : pids) {
            try {
                String s = Files.readString(Path.of("/proc/" + p + "/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/status")))
                    if (line.startsWith("VmRSS:")) rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
            } catch (Exception e) { /* gone */ }
        }
        return new long[] {ticks, rss};
    }

    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]); // user .. steal
            return total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle and iowait
        } catch (Exception e) { return -1; }
    }

    record Probe(long client, long server, long serverRssKb, long db, long machine) {
        static Probe take(Target t) {
            long[] srv = procTree(t.pid), db = procTree(t.dbPid), me = procTree(ProcessHandle.current().pid());
            return new Probe(me[0], srv[0], srv[1], db[0], machineBusyTicks());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running
    // ---------------------------------------------------------------------------------------------------------------

    record Config(List<Scenario> scenarios, int concurrency, long durationMs, long warmupMs, long prewarmMs, int rounds,
                  long pauseMs, Duration timeout, Path out) {}

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static double runPhase(List<VU> vus, Scenario s, long ms, Duration timeout) throws InterruptedException {
        for (VU v : vus) v.reset();
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (VU v : vus)
            threads.add(Thread.ofVirtual().name("vu-" + v.id).start(() -> {
                try { go.await(); } catch (InterruptedException e) { return; }
                while (System.nanoTime() - deadline[0] < 0 && !Thread.currentThread().isInterrupted()) v.step(s);
            }));
        long t0 = System.nanoTime();
        deadline[0] = t0 + ms * 1_000_000L;
        go.countDown();
        long joinBy = System.currentTimeMillis() + ms + 4 * timeout.toMillis() + 10_000;
        for (Thread th : threads) {
            th.join(Math.max(1, joinBy - System.currentTimeMillis()));
            if (th.isAlive()) { System.err.println("  WARNING: " + th.getName() + " overran; interrupting"); th.interrupt(); }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static List<VU> setup(Target t, Scenario s, int conc, HttpClient http, Config cfg) throws InterruptedException {
        List<VU> vus = new ArrayList<>();
        for (int i = 0; i < conc; i++) vus.add(new VU(i, conc, t, http, cfg.timeout()));
        if (s == Scenario.refresh_token) {
            List<Thread> ths = new ArrayList<>();
            for (VU v : vus) ths.add(Thread.ofVirtual().start(v::login));
            for (Thread th : ths) th.join(4 * cfg.timeout().toMillis() + 10_000);
            long failed = vus.stream().filter(v -> v.tok == null).count();
            if (failed > 0) System.err.printf("  [%s] %d of %d set-up logins failed%n", t.name, failed, conc);
        }
        return vus;
    }

    static Map<String, Object> runCell(Target t, Scenario s, int round, Config cfg) throws InterruptedException {
        System.err.printf(Locale.ROOT, "[%s] round %d %s c=%d%n", t.name, round, s, cfg.concurrency());
        Map<String, Object> res = new LinkedHashMap<>();
        try (HttpClient http = newClient()) {
            List<VU> vus = setup(t, s, cfg.concurrency(), http, cfg);
            if (cfg.warmupMs() > 0) {
                double w = runPhase(vus, s, cfg.warmupMs(), cfg.timeout());
                long ok = vus.stream().mapToLong(v -> v.ok).sum(), err = vus.stream().mapToLong(v -> v.err).sum();
                System.err.printf(Locale.ROOT, "  warm-up %.1f s: %d ok, %d errors%n", w, ok, err);
            }
            Probe p0 = Probe.take(t);
            double secs = runPhase(vus, s, cfg.durationMs(), cfg.timeout());
            Probe p1 = Probe.take(t);
            long ok = 0, err = 0, relogins = 0;
            int total = 0;
            Map<String, Long> kinds = new TreeMap<>();
            Map<String, String> samples = new TreeMap<>();
            for (VU v : vus) {
                ok += v.ok; err += v.err; relogins += v.relogins; total += v.n;
                v.errKinds.forEach((k, c) -> kinds.merge(k, c, Long::sum));
                v.errSample.forEach(samples::putIfAbsent);
            }
            long[] all = new long[total];
            int at = 0;
            for (VU v : vus) { System.arraycopy(v.lat, 0, all, at, v.n); at += v.n; }
            Arrays.sort(all);
            res.put("target", t.name);
            res.put("alg", t.alg);
            res.put("token_alg", String.valueOf(t.tokenAlg));
            res.put("scenario", s.name());
            res.put("concurrency", cfg.concurrency());
            res.put("round", round);
            res.put("requests", ok + err);
            res.put("errors", err);
            res.put("rps", r2(ok / secs));
            res.put("p50_ms", pct(all, 0.50));
            res.put("p90_ms", pct(all, 0.90));
            res.put("p99_ms", pct(all, 0.99));
            res.put("max_ms", all.length == 0 ? Double.NaN : r3(all[all.length - 1] / 1e6));
            res.put("duration_s", r2(secs));
            res.put("warmup_s", r2(cfg.warmupMs() / 1000.0));
            res.put("relogins", relogins);
            double wall = secs * CLK_TCK, known = p1.client() - p0.client();
            res.put("client_cpu_pct", r1(100.0 * known / wall));
            if (t.pid > 0) {
                long d = p1.server() - p0.server();
                known += d;
                res.put("server_cpu_pct", r1(100.0 * d / wall));
                res.put("server_cpu_ms_per_req", ok == 0 ? Double.NaN : r3(1000.0 * d / CLK_TCK / ok));
                res.put("server_rss_mib", r1(p1.serverRssKb() / 1024.0));
            }
            if (t.dbPid > 0) {
                long d = p1.db() - p0.db();
                known += d;
                res.put("db_cpu_pct", r1(100.0 * d / wall));
                res.put("db_cpu_ms_per_req", ok == 0 ? Double.NaN : r3(1000.0 * d / CLK_TCK / ok));
            }
            if (p0.machine() >= 0 && p1.machine() >= 0) {
                long d = p1.machine() - p0.machine();
                res.put("machine_cpu_pct", r1(100.0 * d / wall));
                res.put("other_cpu_pct", r1(Math.max(0, 100.0 * (d - known) / wall)));
            }
            res.put("cores", Runtime.getRuntime().availableProcessors());
            try { res.put("loadavg", Files.readString(Path.of("/proc/loadavg")).trim()); } catch (IOException e) { /* not Linux */ }
            if (!kinds.isEmpty()) {
                res.put("error_kinds", new LinkedHashMap<String, Object>(kinds));
                res.put("error_samples", new LinkedHashMap<String, Object>(samples));
            }
            res.put("ts", Instant.now().toString());
        }
        return res;
    }

    static int run(List<String> a) throws Exception {
        List<String> specs = new ArrayList<>();
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < a.size(); i++) {
            String k = a.get(i);
            if (k.equals("-h") || k.equals("--help")) { System.out.print(USAGE); return 0; }
            if (!k.startsWith("--") || i + 1 >= a.size()) throw new IllegalArgumentException("bad argument " + k);
            String v = a.get(++i);
            if (k.equals("--target")) specs.add(v);
            else if (List.of("--scenarios", "--concurrency", "--duration", "--warmup", "--prewarm", "--rounds", "--pause", "--timeout", "--out").contains(k)) o.put(k, v);
            else throw new IllegalArgumentException("unknown option " + k);
        }
        if (specs.isEmpty()) { System.err.print(USAGE); return 2; }
        List<Target> targets = new ArrayList<>();
        for (String s : specs) targets.add(new Target(s));
        List<Scenario> scen = Arrays.stream(o.getOrDefault("--scenarios", "client_credentials,refresh_token").split(",")).map(Scenario::of).toList();
        Config cfg = new Config(scen, Integer.parseInt(o.getOrDefault("--concurrency", "16")), ms(o.getOrDefault("--duration", "20s")),
                ms(o.getOrDefault("--warmup", "5s")), ms(o.getOrDefault("--prewarm", "0")), Integer.parseInt(o.getOrDefault("--rounds", "3")),
                ms(o.getOrDefault("--pause", "2s")), Duration.ofMillis(ms(o.getOrDefault("--timeout", "30s"))),
                o.containsKey("--out") ? Path.of(o.get("--out")) : null);
        for (Target t : targets)
            System.err.println("target " + t.name + ": " + t.tokenUrl + " alg=" + t.alg + " cc_client=" + t.ccClient + " rt_client=" + t.rtClient
                    + (t.pid > 0 ? " pid=" + t.pid : "") + (t.dbPid > 0 ? " db_pid=" + t.dbPid : ""));
        System.err.println("java " + System.getProperty("java.version") + ", cores " + Runtime.getRuntime().availableProcessors());
        if (cfg.prewarmMs() > 0)
            for (Target t : targets)
                for (Scenario s : scen) {
                    if (!t.supports(s)) continue;
                    System.err.printf(Locale.ROOT, "[%s] prewarm %s %.0f s%n", t.name, s, cfg.prewarmMs() / 1000.0);
                    try (HttpClient http = newClient()) {
                        List<VU> vus = setup(t, s, cfg.concurrency(), http, cfg);
                        double secs = runPhase(vus, s, cfg.prewarmMs(), cfg.timeout());
                        long ok = vus.stream().mapToLong(v -> v.ok).sum(), err = vus.stream().mapToLong(v -> v.err).sum();
                        System.err.printf(Locale.ROOT, "  prewarm: %d ok, %d errors, %.1f rps%n", ok, err, ok / secs);
                    }
                }
        boolean first = true, mismatch = false;
        List<Map<String, Object>> results = new ArrayList<>();
        for (int round = 1; round <= cfg.rounds(); round++) {
            List<Target> order = new ArrayList<>(targets);
            if (round % 2 == 0) Collections.reverse(order);
            for (Scenario s : scen)
                for (Target t : order) {
                    if (!t.supports(s)) continue;
                    if (!first) Thread.sleep(cfg.pauseMs());
                    first = false;
                    Map<String, Object> r = runCell(t, s, round, cfg);
                    if (!t.alg.isEmpty() && t.tokenAlg != null && !t.alg.equals(t.tokenAlg)) {
                        System.err.println("  ERROR: " + t.name + " is configured for " + t.alg + " but signs with " + t.tokenAlg);
                        mismatch = true;
                    }
                    results.add(r);
                    String line = Json.obj(r);
                    System.out.println(line);
                    System.out.flush();
                    if (cfg.out() != null) Files.writeString(cfg.out(), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
        }
        System.err.printf("%n%-14s %-6s %-18s %5s %9s %7s %8s %8s %10s%n", "target", "alg", "scenario", "round", "rps", "errors", "p50_ms", "p99_ms", "srv_ms/req");
        for (Map<String, Object> r : results)
            System.err.printf(Locale.ROOT, "%-14s %-6s %-18s %5s %9s %7s %8s %8s %10s%n", r.get("target"), r.get("alg"), r.get("scenario"), r.get("round"),
                    r.get("rps"), r.get("errors"), r.get("p50_ms"), r.get("p99_ms"), r.getOrDefault("server_cpu_ms_per_req", "-"));
        return mismatch ? 3 : 0;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // summarize: medians over rounds, and the ratio of every target to the reference, per algorithm and scenario
    // ---------------------------------------------------------------------------------------------------------------

    static void summarize(List<String> a) throws IOException {
        int skip = 0;
        String ref = "keycloak";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            switch (a.get(i)) {
                case "--skip-rounds" -> skip = Integer.parseInt(a.get(++i));
                case "--ref" -> ref = a.get(++i);
                default -> lines.addAll(Files.readAllLines(Path.of(a.get(i))));
            }
        }
        Map<String, List<String>> groups = new LinkedHashMap<>(); // alg|scenario|target -> lines
        for (String l : lines) {
            if (!l.startsWith("{") || Json.str(l, "scenario") == null || Json.num(l, "round") <= skip) continue;
            groups.computeIfAbsent(Json.str(l, "alg") + "|" + Json.str(l, "scenario") + "|" + Json.str(l, "target"), k -> new ArrayList<>()).add(l);
        }
        System.out.println("| alg | scenario | target | runs | rps median (min-max) | p50 ms | p99 ms | errors | server CPU ms/req | db CPU ms/req | server RSS MiB | other load % |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, double[]> med = new LinkedHashMap<>(); // key -> rps, p99, cpu
        for (var e : groups.entrySet()) {
            String[] k = e.getKey().split("\\|");
            StringBuilder row = new StringBuilder("| " + k[0] + " | " + k[1] + " | " + k[2] + " | " + e.getValue().size());
            double[] m = new double[3];
            for (String c : List.of("rps", "p50_ms", "p99_ms", "errors", "server_cpu_ms_per_req", "db_cpu_ms_per_req", "server_rss_mib", "other_cpu_pct")) {
                double[] v = e.getValue().stream().mapToDouble(l -> Json.num(l, c)).filter(d -> !Double.isNaN(d)).sorted().toArray();
                if (v.length == 0) { row.append(" | -"); continue; }
                double md = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                switch (c) {
                    case "rps" -> { m[0] = md; row.append(String.format(Locale.ROOT, " | %,.0f (%,.0f-%,.0f)", md, v[0], v[v.length - 1])); }
                    case "errors" -> row.append(String.format(Locale.ROOT, " | %.0f", Arrays.stream(v).sum()));
                    case "p99_ms" -> { m[1] = md; row.append(String.format(Locale.ROOT, " | %.3g", md)); }
                    case "server_cpu_ms_per_req" -> { m[2] = md; row.append(String.format(Locale.ROOT, " | %.3g", md)); }
                    default -> row.append(String.format(Locale.ROOT, " | %.3g", md));
                }
            }
            med.put(e.getKey(), m);
            System.out.println(row.append(" |"));
        }
        System.out.println();
        System.out.println("| alg | scenario | target | rps / " + ref + " | p99 / " + ref + " | server CPU per request / " + ref + " |");
        System.out.println("|---|---|---|---|---|---|");
        for (var e : med.entrySet()) {
            String[] k = e.getKey().split("\\|");
            if (k[2].equals(ref)) continue;
            double[] b = med.get(k[0] + "|" + k[1] + "|" + ref), m = e.getValue();
            if (b == null) continue;
            System.out.printf(Locale.ROOT, "| %s | %s | %s | **%.2fx** | %.2fx | %.2fx |%n", k[0], k[1], k[2], m[0] / b[0], m[1] / b[1], m[2] / b[2]);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        String mode = !a.isEmpty() && !a.get(0).startsWith("-") ? a.remove(0) : "run";
        switch (mode) {
            case "run" -> System.exit(run(a));
            case "summarize" -> summarize(a);
            case "help" -> System.out.print(USAGE);
            default -> { System.err.print(USAGE); System.exit(2); }
        }
    }

    /** The "alg" of a compact JWS's protected header, or "?" when it is not one. */
    static String jwtAlg(String jwt) {
        try {
            String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
            String alg = Json.str(header, "alg");
            return alg == null ? "?" : alg;
        } catch (RuntimeException e) { return "?"; }
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return r3(sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6);
    }

    static final class Json {
        /** The first string value of a field named {@code field}, or null. Enough for token responses. */
        static String str(String body, String field) {
            if (body == null) return null;
            String key = "\"" + field + "\"";
            for (int from = 0;;) {
                int i = body.indexOf(key, from);
                if (i < 0) return null;
                int j = skipWs(body, i + key.length());
                if (j >= body.length() || body.charAt(j) != ':') { from = i + 1; continue; }
                j = skipWs(body, j + 1);
                if (j >= body.length() || body.charAt(j) != '"') return null;
                StringBuilder sb = new StringBuilder();
                for (j++; j < body.length(); j++) {
                    char c = body.charAt(j);
                    if (c == '"') return sb.toString();
                    if (c == '\\' && j + 1 < body.length()) {
                        char e = body.charAt(++j);
                        if (e == 'u') { sb.append((char) Integer.parseInt(body.substring(j + 1, j + 5), 16)); j += 4; }
                        else sb.append(switch (e) { case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r'; case 'b' -> '\b'; case 'f' -> '\f'; default -> e; });
                    } else sb.append(c);
                }
                return null;
            }
        }

        static int skipWs(String s, int j) {
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) j++;
            return j;
        }

        static double num(String body, String field) {
            String key = "\"" + field + "\":";
            int i = body.indexOf(key);
            if (i < 0) return Double.NaN;
            int j = i + key.length(), e = j;
            while (e < body.length() && "+-.0123456789eE".indexOf(body.charAt(e)) >= 0) e++;
            try { return Double.parseDouble(body.substring(j, e)); } catch (NumberFormatException x) { return Double.NaN; }
        }

        static String q(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
                }
            }
            return b.append('"').toString();
        }

        @SuppressWarnings("unchecked")
        static String obj(Map<String, Object> m) {
            StringBuilder b = new StringBuilder("{");
            for (var e : m.entrySet()) {
                if (b.length() > 1) b.append(',');
                b.append(q(e.getKey())).append(':');
                Object v = e.getValue();
                if (v instanceof Map<?, ?> mm) b.append(obj((Map<String, Object>) mm));
                else if (v instanceof Double d) b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
                else if (v instanceof Number n) b.append(n);
                else b.append(q(String.valueOf(v)));
            }
            return b.append('}').toString();
        }
    }

    static long ms(String s) {
        s = s.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) return Long.parseLong(s.substring(0, s.length() - 2));
        if (s.endsWith("s")) return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000);
        if (s.endsWith("m")) return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000);
        return Math.round(Double.parseDouble(s) * 1000);
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    static String trunc(String s) { return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s; }

    static void sleep(long ms) { try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } }

    static double r1(double v) { return Math.round(v * 10) / 10.0; }

    static double r2(double v) { return Math.round(v * 100) / 100.0; }

    static double r3(double v) { return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0; }
}
