package dev.keyturn.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver in the test JVM: a real HTTP server (the JDK's) on 127.0.0.1 that records every request it gets
 * (headers and body as received) and answers 200, or what a test scripted: some statuses first, or no answer at all
 * for a while. Signatures are checked with the Standard Webhooks project's own library, as a receiver would.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived, and what it was answered ({@code 0}: it got no answer). */
    public record Received(String id, String timestamp, String signature, String body, Map<String, List<String>> headers,
            int answered) {

        public Map<String, Object> payload() {
            try {
                return JSON.readValue(body, new TypeReference<>() {
                });
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        public String type() {
            return (String) payload().get("type");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> data() {
            return (Map<String, Object>) payload().get("data");
        }

        public boolean delivered() {
            return answered >= 200 && answered < 300;
        }

        /** Whether the Standard Webhooks library accepts the signature under this secret (and the timestamp). */
        public boolean verifiesWith(String secret) {
            try {
                new Webhook(secret).verify(body, headers);
                return true;
            } catch (WebhookVerificationException e) {
                return false;
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> scripted = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch held;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(receiver.threads);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/keyturn";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next requests are answered these statuses, one each, before 200 again. */
    public void answerNext(int... statuses) {
        for (int status : statuses) {
            scripted.add(status);
        }
    }

    /** From now on requests get no answer (the connection stays open) until {@link #release()}; then none at all. */
    public void hold() {
        held = new CountDownLatch(1);
    }

    /** Ends {@link #hold()}: the requests held get no answer (their connection closes); new ones are answered again. */
    public void release() {
        CountDownLatch latch = held;
        held = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests that match, in the order they arrived. */
    public List<Received> received(Predicate<Received> which) {
        return received.stream().filter(which).toList();
    }

    /** Waits until {@code count} requests that match have arrived; returns them all. */
    public List<Received> await(Predicate<Received> which, int count, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> matching = received(which);
            if (matching.size() >= count) {
                return matching;
            }
            sleep(20);
        }
        throw new AssertionError("waited " + patience + " for " + count + " matching requests; got "
                + received(which).size() + " of " + received.size() + ": " + summary());
    }

    /** Requests about one user ({@code data.user_id}). */
    public static Predicate<Received> aboutUser(String userId) {
        return request -> Objects.equals(userId, String.valueOf(request.data().get("user_id")));
    }

    public static Predicate<Received> ofType(String type) {
        return request -> type.equals(request.type());
    }

    private List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (Received request : received) {
            lines.add(request.type() + " " + request.id() + " -> " + request.answered());
        }
        return lines;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                List.copyOf(values)));
        String text = new String(body, StandardCharsets.UTF_8);
        CountDownLatch latch = held;
        if (latch != null) {
            received.add(new Received(first(headers, "webhook-id"), first(headers, "webhook-timestamp"),
                    first(headers, "webhook-signature"), text, headers, 0));
            try {
                latch.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close(); // no answer
            return;
        }
        Integer next = scripted.poll();
        int status = next == null ? 200 : next;
        received.add(new Received(first(headers, "webhook-id"), first(headers, "webhook-timestamp"),
                first(headers, "webhook-signature"), text, headers, status));
        byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
