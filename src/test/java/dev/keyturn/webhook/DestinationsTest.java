package dev.keyturn.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.keyturn.web.problem.ProblemException;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;

/**
 * Where webhooks may go (docs/security.md, "Webhooks and server-side request forgery"): the form of a URL, and with
 * private addresses refused (production's default), no loopback, private, link-local or similar destination, at
 * registration and at each attempt.
 */
class DestinationsTest {

    private static Vertx vertx;
    private static Destinations guarded;
    private static Destinations open;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        guarded = new Destinations(vertx, config(false));
        open = new Destinations(vertx, config(true));
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    @Test
    void aUrlIsAbsoluteHttpOrHttpsWithAHostAndNoCredentialsOrFragment() {
        assertThat(Destinations.parse(" https://hooks.example.com/a/../keyturn?x=1 ").toString())
                .isEqualTo("https://hooks.example.com/keyturn?x=1");
        assertThat(Destinations.parse("HTTP://hooks.example.com:8443").getHost()).isEqualTo("hooks.example.com");
        for (String bad : List.of("ftp://hooks.example.com/", "file:///etc/passwd", "hooks.example.com/x", "/x",
                "http://", "http:///x", "http://user:pw@hooks.example.com/", "http://hooks.example.com/#f",
                "javascript:alert(1)", "http://exa mple.com/")) {
            assertThatThrownBy(() -> Destinations.parse(bad)).as(bad).isInstanceOf(ProblemException.class);
        }
    }

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String internal : List.of("127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "224.0.0.1", "255.255.255.255", "::1",
                "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1",
                "ff02::1")) {
            assertThat(Destinations.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                "2606:4700:4700::1111", "::ffff:8.8.8.8")) {
            assertThat(Destinations.isInternal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void withPrivateAddressesRefusedNoEndpointMayPointInside() {
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
                "http://169.254.169.254/latest/meta-data/", "https://10.0.0.5/hook", "http://[::ffff:192.168.0.1]/")) {
            assertThatThrownBy(() -> guarded.checkForRegistration(url).await().atMost(Duration.ofSeconds(10)))
                    .as(url).isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).fieldErrors().get(0).message())
                            .contains("KEYTURN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"));
        }
        assertThat(guarded.checkForRegistration("http://93.184.216.34/hook").await().atMost(Duration.ofSeconds(10)))
                .isEqualTo("http://93.184.216.34/hook");
        assertThat(open.checkForRegistration("http://127.0.0.1:8080/hook").await().atMost(Duration.ofSeconds(10)))
                .isEqualTo("http://127.0.0.1:8080/hook");
    }

    /** At each attempt the name is resolved again, and the request goes to the very address that was checked. */
    @Test
    void anAttemptConnectsToTheCheckedAddressOnly() {
        SocketAddress to = guarded.connectTo(URI.create("https://93.184.216.34/hook")).await().atMost(Duration.ofSeconds(10));
        assertThat(to.host()).isEqualTo("93.184.216.34");
        assertThat(to.port()).isEqualTo(443);
        assertThatThrownBy(() -> guarded.connectTo(URI.create("http://localhost:9/x")).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(Destinations.Refused.class);
        assertThat(open.connectTo(URI.create("http://localhost:9/x")).await().atMost(Duration.ofSeconds(10)))
                .as("any address allowed: the client resolves the name itself").isNull();
    }

    private static WebhookConfig config(boolean allowPrivate) {
        return (WebhookConfig) java.lang.reflect.Proxy.newProxyInstance(WebhookConfig.class.getClassLoader(),
                new Class<?>[] { WebhookConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("allowPrivateAddresses")) {
                        return allowPrivate;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
