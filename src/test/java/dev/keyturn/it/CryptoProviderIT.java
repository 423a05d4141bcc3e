package dev.keyturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * Who signs in the packaged application (token/CryptoProvider, KEYTURN_CRYPTO_PROVIDER): the JVM jar with the Amazon
 * Corretto Crypto Provider, the native executable, built without it, with the JDK's providers; {@code accp} refuses to
 * start where ACCP is missing, {@code jdk} turns it off. Either way, the tokens work.
 */
class CryptoProviderIT {

    private static final String SIGNED_BY = "Tokens are signed by ";

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn");

    @Test
    void theJarSignsWithAccpAndTheNativeExecutableWithTheJdk() throws Exception {
        PackagedService service = deployment.service();

        assertThat(lastSigner(service)).startsWith(PackagedService.nativeExecutable()
                ? "the JDK's providers (native executable)"
                : "AmazonCorrettoCryptoProvider 2.");
        assertTokensWork(service);
    }

    @Test
    void jdkKeepsTheJdksProviders() throws Exception {
        Map<String, String> environment = new HashMap<>(deployment.environmentOn("postgres"));
        environment.put("KEYTURN_CRYPTO_PROVIDER", "jdk");
        PackagedService service = PackagedService.start("jdk", environment, deployment.workDirectory()).awaitReady();
        try {
            assertThat(lastSigner(service)).startsWith("the JDK's providers");
            assertTokensWork(service);
        } finally {
            service.stop();
        }
    }

    @Test
    void accpStartsWithItOrNotAtAll() throws Exception {
        Map<String, String> environment = new HashMap<>(deployment.environmentOn("postgres"));
        environment.put("KEYTURN_CRYPTO_PROVIDER", "accp");
        PackagedService service = PackagedService.start("accp", environment, deployment.workDirectory());
        try {
            if (PackagedService.nativeExecutable()) {
                assertThat(service.process().waitFor(90, TimeUnit.SECONDS)).as("the executable exits").isTrue();
                assertThat(service.process().exitValue()).isNotZero();
                assertThat(Files.readString(service.log()))
                        .contains("KEYTURN_CRYPTO_PROVIDER=accp, but the native executable is built without ACCP");
            } else {
                service.awaitReady();
                assertThat(lastSigner(service)).startsWith("AmazonCorrettoCryptoProvider 2.");
                assertTokensWork(service);
            }
        } finally {
            service.stop();
        }
    }

    @Test
    void anUnknownChoiceStopsTheStart() throws Exception {
        Map<String, String> environment = new HashMap<>(deployment.environmentOn("postgres"));
        environment.put("KEYTURN_CRYPTO_PROVIDER", "openssl");
        PackagedService service = PackagedService.start("unknown", environment, deployment.workDirectory());
        try {
            assertThat(service.process().waitFor(90, TimeUnit.SECONDS)).as("the application exits").isTrue();
            assertThat(service.process().exitValue()).isNotZero();
            assertThat(Files.readString(service.log())).contains("KEYTURN_CRYPTO_PROVIDER must be auto, accp or jdk");
        } finally {
            service.stop();
        }
    }

    private static String lastSigner(PackagedService service) throws Exception {
        List<String> lines = Files.readAllLines(service.log()).stream().filter(line -> line.contains(SIGNED_BY)).toList();
        assertThat(lines).as("the start-up log names who signs").isNotEmpty();
        String last = lines.get(lines.size() - 1);
        return last.substring(last.indexOf(SIGNED_BY) + SIGNED_BY.length());
    }

    /** A login's access token opens /users/me, and its refresh token rotates: signatures made and checked here. */
    @SuppressWarnings("unchecked")
    private static void assertTokensWork(PackagedService service) throws Exception {
        Map<String, Object> tokens = service.login(service.newAccount("crypto"));
        assertThat(service.get("/users/me", (String) tokens.get("access_token")).statusCode()).isEqualTo(200);
        var refreshed = service.post("/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token")));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        Map<String, Object> rotated = PackagedService.json(refreshed);
        assertThat(service.get("/users/me", (String) rotated.get("access_token")).statusCode()).isEqualTo(200);
    }
}
