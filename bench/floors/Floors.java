// Floors - CPU cost of the cryptographic primitives behind Keyturn's hot paths, on ONE thread, so that
// benchmark results can be stated as ratios to what the hardware cannot avoid:
//   RS256 sign / verify (RSA 2048, SHA256withRSA)      - access token issue / check
//   ES256 sign / verify (P-256, JWS P1363 signatures)  - access token issue / check with KEYTURN_SIGNING_ALGORITHM=ES256
//   HS256 sign / verify (HMAC-SHA256)                  - refresh token issue / check
//   bcrypt cost 10 hash / verify (Elytron's BcryptUtil, as PasswordHasher calls it, on the 44-byte prehash)
//   Argon2id verify at OWASP's 7 MiB/t=5 (Keyturn's and Keycloak's default) and 19 MiB/t=2 rows, p=1 (Bouncy Castle,
//   memory blocks reused between hashes as account/hashes/Argon2Memory does)
//   jose4j JWS RS256/ES256 sign + verify of a whole access token (library overhead on top of the primitive)
//   RS256 and ES256 sign / verify by the Amazon Corretto Crypto Provider (AWS-LC), what the JVM build signs with
//   (token/CryptoProvider; "accp")
// Each is warmed up, then timed in rounds; reported: median wall ms/op, median CPU ms/op of this thread
// (robust against other load on a shared machine: compare server CPU ms/request against it), min, rounds.
//
// Run: bench/floors/run.sh [--seconds 3] [--warmup 2] [--only rs256,es256,accp,hs256,bcrypt,argon2,jose4j]
// (it resolves the jars with Maven and starts `java -cp <jars> Floors.java` on JDK 25).

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;

import io.quarkus.elytron.security.common.BcryptUtil;

public class Floors {

    interface Op { long run() throws Exception; }

    record Result(String name, double wallMs, double cpuMs, double minWallMs, int rounds, long ops) {}

    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static long sink;

    public static void main(String[] args) throws Exception {
        double seconds = 3, warmup = 2;
        Set<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--only" -> only = Set.of(args[++i].toLowerCase(Locale.ROOT).split(","));
                case "-h", "--help" -> { System.out.println("Floors [--seconds 3] [--warmup 2] [--only rs256,es256,accp,hs256,bcrypt,argon2,jose4j]"); return; }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!THREADS.isCurrentThreadCpuTimeSupported()) throw new IllegalStateException("no thread CPU time on this JVM");
        THREADS.setThreadCpuTimeEnabled(true);

        byte[] signingInput = accessTokenSigningInput();
        byte[] refreshInput = refreshTokenSigningInput();
        List<Result> results = new ArrayList<>();

        if (only == null || only.contains("rs256")) {
            signAndVerify(results, "RS256", "", null, signingInput, seconds, warmup);
        }
        if (only == null || only.contains("es256")) {
            signAndVerify(results, "ES256", "", null, signingInput, seconds, warmup);
        }
        if (only == null || only.contains("accp")) {
            // What the JVM build signs with (token/CryptoProvider); the keys are ACCP's own, as the service holds them.
            Provider accp = (Provider) Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider")
                    .getField("INSTANCE").get(null);
            signAndVerify(results, "RS256", ", ACCP", accp, signingInput, seconds, warmup);
            signAndVerify(results, "ES256", ", ACCP", accp, signingInput, seconds, warmup);
        }
        if (only == null || only.contains("hs256")) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
            Mac m0 = Mac.getInstance("HmacSHA256");
            m0.init(key);
            byte[] mac = m0.doFinal(refreshInput);
            results.add(bench("HS256 sign (HMAC-SHA256, " + refreshInput.length + " B)", seconds, warmup, () -> {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m.doFinal(refreshInput)[0];
            }));
            results.add(bench("HS256 verify", seconds, warmup, () -> {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return MessageDigest.isEqual(m.doFinal(refreshInput), mac) ? 1 : 0;
            }));
        }
        if (only == null || only.contains("bcrypt")) {
            String prehash = Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest("bench-pass-1".getBytes(StandardCharsets.UTF_8)));
            String hash = BcryptUtil.bcryptHash(prehash, 10);
            if (!BcryptUtil.matches(prehash, hash)) throw new IllegalStateException("bcrypt self-check failed");
            results.add(bench("bcrypt-10 verify (BcryptUtil.matches)", seconds, Math.min(warmup, 1), () ->
                    BcryptUtil.matches(prehash, hash) ? 1 : 0));
            results.add(bench("bcrypt-10 hash (BcryptUtil.bcryptHash)", seconds, Math.min(warmup, 1), () ->
                    BcryptUtil.bcryptHash(prehash, 10).length()));
            // The login bound as the machine delivers it: every core hashing at once (cores can share a physical core or
            // slow each other down, so this may be less than cores / the one-thread time).
            results.add(benchAllCores("bcrypt-10 verify, all cores at once", seconds, () ->
                    BcryptUtil.matches(prehash, hash) ? 1 : 0));
        }
        if (only == null || only.contains("argon2")) {
            // The two OWASP rows compared: equal strength by OWASP's account, unequal memory and, measured, CPU.
            for (int[] row : new int[][] { { 7168, 5 }, { 19456, 2 } }) {
                int memory = row[0];
                int passes = row[1];
                Argon2BytesGenerator.FixedBlockPool pool = new Argon2BytesGenerator.FixedBlockPool(
                        memory * Runtime.getRuntime().availableProcessors());
                byte[] salt = new byte[16];
                byte[] expected = argon2id(memory, passes, salt, pool);
                String name = "argon2id m=" + memory / 1024 + "MiB t=" + passes + " verify";
                results.add(bench(name, seconds, Math.min(warmup, 1), () -> Arrays.equals(expected,
                        argon2id(memory, passes, salt, pool)) ? 1 : 0));
                if (memory == 7168) {
                    results.add(benchAllCores(name + ", all cores", seconds, () -> Arrays.equals(expected,
                            argon2id(memory, passes, salt, pool)) ? 1 : 0));
                }
            }
        }
        if (only == null || only.contains("jose4j")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair rsa = g.generateKeyPair();
            KeyPairGenerator ge = KeyPairGenerator.getInstance("EC");
            ge.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair ec = ge.generateKeyPair();
            String payload = new String(accessTokenPayload(), StandardCharsets.UTF_8);
            for (var alg : List.of(Map.entry("RS256", rsa), Map.entry("ES256", ec))) {
                String id = alg.getKey().equals("RS256") ? AlgorithmIdentifiers.RSA_USING_SHA256
                        : AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
                String jwt = jose4jSign(payload, id, alg.getValue());
                results.add(bench("jose4j " + alg.getKey() + " JWS sign (compact)", seconds, warmup,
                        () -> jose4jSign(payload, id, alg.getValue()).length()));
                results.add(bench("jose4j " + alg.getKey() + " JWS verify", seconds, warmup, () -> {
                    JsonWebSignature jws = new JsonWebSignature();
                    jws.setCompactSerialization(jwt);
                    jws.setKey(alg.getValue().getPublic());
                    return jws.verifySignature() ? 1 : 0;
                }));
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-42s %12s %12s %12s %7s %9s%n", "operation (one thread)", "wall ms/op", "CPU ms/op",
                "min wall", "rounds", "ops");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-42s %12.4f %12.4f %12.4f %7d %9d%n", r.name(), r.wallMs(), r.cpuMs(),
                    r.minWallMs(), r.rounds(), r.ops());
        }
        System.out.println();
        StringBuilder json = new StringBuilder("{\"floors\":{");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            json.append(i == 0 ? "" : ",").append('"').append(r.name().replace("\"", "'")).append("\":{\"wall_ms\":")
                    .append(String.format(Locale.ROOT, "%.5f", r.wallMs())).append(",\"cpu_ms\":")
                    .append(String.format(Locale.ROOT, "%.5f", r.cpuMs())).append('}');
        }
        json.append("},\"java\":\"").append(System.getProperty("java.version")).append("\",\"cores\":")
                .append(Runtime.getRuntime().availableProcessors()).append(",\"loadavg\":\"").append(loadavg())
                .append("\",\"sink\":").append(sink & 1).append('}');
        System.out.println(json);
    }

    static byte[] argon2id(int memoryKiB, int passes, byte[] salt, Argon2BytesGenerator.BlockPool pool) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB).withIterations(passes).withParallelism(1).withSalt(salt).withBlockPool(pool).build());
        byte[] hash = new byte[32];
        generator.generateBytes("bench-pass-1".getBytes(StandardCharsets.UTF_8), hash);
        return hash;
    }

    /** One sign row and one verify row of RS256 (RSA-2048) or ES256 (P-256, JWS signature format), by the JDK or provider. */
    static void signAndVerify(List<Result> results, String jws, String label, Provider provider, byte[] signingInput,
            double seconds, double warmup) throws Exception {
        boolean rsa = jws.equals("RS256");
        String algorithm = rsa ? "SHA256withRSA" : "SHA256withECDSAinP1363Format";
        KeyPairGenerator g = provider == null ? KeyPairGenerator.getInstance(rsa ? "RSA" : "EC")
                : KeyPairGenerator.getInstance(rsa ? "RSA" : "EC", provider);
        if (rsa) {
            g.initialize(2048);
        } else {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        KeyPair pair = g.generateKeyPair();
        Op sign = () -> {
            Signature x = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
            x.initSign(pair.getPrivate());
            x.update(signingInput);
            return x.sign()[0];
        };
        Signature s = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        s.initSign(pair.getPrivate());
        s.update(signingInput);
        byte[] sig = s.sign();
        results.add(bench(jws + " sign (" + (rsa ? "RSA-2048" : "P-256") + label + ")", seconds, warmup, sign));
        results.add(bench(jws + " verify" + (label.isEmpty() ? "" : " (" + label.substring(2) + ")"), seconds, warmup, () -> {
            Signature x = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
            x.initVerify(pair.getPublic());
            x.update(signingInput);
            return x.verify(sig) ? 1 : 0;
        }));
    }

    /**
     * The same operation on every core at once for about `seconds` (after the one-thread row warmed it up): wall ms/op
     * is the elapsed time divided by all threads' operations (the machine's time per operation, so cores / rate is
     * cores x this), CPU ms/op the threads' CPU per operation.
     */
    static Result benchAllCores(String name, double seconds, Op op) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.err.printf(Locale.ROOT, "%-42s %d threads, measuring %.1fs%n", name, cores, seconds);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        List<Future<long[]>> counts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < cores; i++) {
            counts.add(pool.submit(() -> {
                long n = 0, local = 0, c0 = THREADS.getCurrentThreadCpuTime();
                do { local += op.run(); n++; } while (System.nanoTime() < end);
                return new long[] {n, THREADS.getCurrentThreadCpuTime() - c0, local};
            }));
        }
        long ops = 0, cpuNanos = 0;
        for (var f : counts) {
            long[] r = f.get();
            ops += r[0];
            cpuNanos += r[1];
            sink += r[2];
        }
        double elapsedMs = (System.nanoTime() - t0) / 1e6;
        pool.shutdown();
        return new Result(name + " (" + cores + " threads; wall = machine ms/op)", elapsedMs / ops, cpuNanos / 1e6 / ops,
                elapsedMs / ops, 1, ops);
    }

    /** Warm up for warmupS, then time rounds of about (seconds / rounds) each; median over the rounds. */
    static Result bench(String name, double seconds, double warmupS, Op op) throws Exception {
        System.err.printf(Locale.ROOT, "%-42s warming up %.1fs, measuring %.1fs%n", name, warmupS, seconds);
        long warmEnd = System.nanoTime() + (long) (warmupS * 1e9);
        do { sink += op.run(); } while (System.nanoTime() < warmEnd);
        int rounds = 5;
        long roundNanos = (long) (seconds * 1e9 / rounds);
        double[] wall = new double[rounds], cpu = new double[rounds];
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            long n = 0, c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime(), t1;
            do { sink += op.run(); n++; t1 = System.nanoTime(); } while (t1 - t0 < roundNanos);
            long c1 = THREADS.getCurrentThreadCpuTime();
            wall[r] = (t1 - t0) / 1e6 / n;
            cpu[r] = (c1 - c0) / 1e6 / n;
            total += n;
        }
        double[] w = wall.clone(), c = cpu.clone();
        Arrays.sort(w);
        Arrays.sort(c);
        return new Result(name, w[rounds / 2], c[rounds / 2], w[0], rounds, total);
    }

    static String jose4jSign(String payload, String alg, KeyPair pair) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(alg);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue("4HeAzdVj3dTGzB0WLwd88F9g7nzBeZ-IJgWN1upDbjo");
        jws.setKey(pair.getPrivate());
        return jws.getCompactSerialization();
    }

    /** A payload shaped like Keyturn's access token (docs/api.md: iss, aud, sub, exp, iat, jti, sid, roles, ...). */
    static byte[] accessTokenPayload() {
        long now = System.currentTimeMillis() / 1000;
        return ("{\"iss\":\"http://127.0.0.1:8081\",\"aud\":\"keyturn\",\"sub\":\"" + UUID.randomUUID() + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 900) + ",\"jti\":\"" + UUID.randomUUID() + "\",\"sid\":\"" + UUID.randomUUID()
                + "\",\"roles\":[\"user\"],\"preferred_username\":\"user0001\",\"email\":\"user0001@bench.local\","
                + "\"email_verified\":true}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] accessTokenSigningInput() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"typ\":\"JWT\",\"kid\":\"4HeAzdVj3dTGzB0WLwd88F9g7nzBeZ-IJgWN1upDbjo\",\"alg\":\"RS256\"}";
        return (b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(accessTokenPayload()))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The signing input of a refresh token (rt+jwt, HS256: iss, aud, sub, sid, jti, iat, exp). */
    static byte[] refreshTokenSigningInput() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"typ\":\"rt+jwt\",\"alg\":\"HS256\"}";
        String payload = "{\"iss\":\"http://127.0.0.1:8081\",\"aud\":\"keyturn\",\"sub\":\"" + UUID.randomUUID() + "\",\"sid\":\""
                + UUID.randomUUID() + "\",\"jti\":\"kV1dX3y9QO2bq0d3hJ8z1A\",\"iat\":" + now + ",\"exp\":" + (now + 604800) + "}";
        return (b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
    }

    static String loadavg() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
