package dev.keyturn.token;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Jwts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A planned key rotation (KEYTURN_NEXT_SIGNING_KEY, KEYTURN_NEXT_SIGNING_KEY_FROM): the next key is in the JWK Set
 * from start-up on, tokens are signed with the current key until the configured instant and with the next one from
 * then on, without a restart, and a verifier holding the key set it fetched before the switch knows every kid it
 * meets after it.
 */
@QuarkusTest
@WithTestResource(NextSigningKeyTest.SwitchSoon.class)
class NextSigningKeyTest {

    /** The instant, shared through a system property: the resource and the test may see different class loaders. */
    private static final String FROM_PROPERTY = "keyturn.test.next-signing-key-from";

    /**
     * A test resource rather than a profile: its start() runs right before the application starts (a profile's
     * overrides may be computed long before), so the instant is a known time after the start.
     */
    public static class SwitchSoon implements QuarkusTestResourceLifecycleManager {
        @Override
        public void stop() {
        }

        @Override
        public Map<String, String> start() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair next = generator.generateKeyPair();
                String pem = PemBlocks.write("PRIVATE KEY", next.getPrivate().getEncoded())
                        + PemBlocks.write("PUBLIC KEY", next.getPublic().getEncoded());
                // Long enough for the application to start (seconds; on a loaded machine up to 20 s) and for the test
                // to see the current key sign first.
                Instant from = Instant.now().plusSeconds(30);
                System.setProperty(FROM_PROPERTY, from.toString());
                return Map.of("keyturn.keys.next-signing-key", pem, "keyturn.keys.next-signing-key-from", from.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theNextKeyIsPublishedFirstAndSignsFromItsInstant() {
        Instant from = Instant.parse(System.getProperty(FROM_PROPERTY));
        List<Map<String, Object>> keysBefore = given().get("/.well-known/jwks.json").then().statusCode(200)
                .extract().jsonPath().getList("keys");
        assertThat(keysBefore).hasSize(2);
        String currentKid = (String) keysBefore.get(0).get("kid");
        String nextKid = (String) keysBefore.get(1).get("kid");
        assertThat(keysBefore.get(1)).containsEntry("alg", "ES256").containsEntry("use", "sig");

        var account = newAccount();
        String early = login(account).accessToken();
        assertThat(Instant.now()).as("the application started and logged in before the switch").isBefore(from);
        assertThat(Jwts.header(early)).containsEntry("kid", currentKid).containsEntry("alg", "RS256");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Instant.now().isBefore(from.plusMillis(100)));
        String late = login(account).accessToken();
        assertThat(Jwts.header(late)).containsEntry("kid", nextKid).containsEntry("alg", "ES256");
        assertThat(keysBefore).extracting(key -> key.get("kid")).contains(Jwts.header(late).get("kid"));

        me(early).then().statusCode(200);
        me(late).then().statusCode(200);
        assertThat(given().get("/.well-known/jwks.json").then().extract().jsonPath().getList("keys"))
                .isEqualTo(keysBefore);
        assertThat(given().get("/.well-known/openid-configuration").then().statusCode(200).extract().jsonPath()
                .getList("id_token_signing_alg_values_supported")).contains("RS256", "ES256");
    }
}
