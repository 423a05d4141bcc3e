package dev.keyturn.monitoring;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static dev.keyturn.support.Api.refresh;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.GreenMailResource;
import dev.keyturn.support.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Keyturn's own metrics at {@code /q/metrics} (docs/operations.md, "Metrics"), read as Prometheus reads them: each
 * outcome counted once where it happens, every series there from the start, and no tag that could name a user.
 * (Rate-limited requests are counted in security/BruteForceTest, whose profile has small limits.)
 */
@QuarkusTest
class MetricsTest {

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        return Metrics.value(after, name, labels) - Metrics.value(before, name, labels);
    }

    private static String outcome(String value) {
        return "outcome=\"" + value + "\"";
    }

    @Test
    void everyOutcomeIsThereFromTheStartAndNoTagNamesAUser() {
        Map<String, Double> samples = Metrics.scrape();
        for (String outcome : new String[] { "success", "invalid_credentials", "disabled", "unverified", "invalid_code",
                "invalid_passkey", "invalid_mfa_token", "rate_limited", "mfa_required", "error" }) {
            assertThat(samples).as("logins %s", outcome).containsKey("keyturn_logins_total{outcome=\"" + outcome + "\"}");
        }
        for (String outcome : new String[] { "rotated", "grace", "reuse_detected", "invalid", "rate_limited", "error" }) {
            assertThat(samples).as("refreshes %s", outcome).containsKey("keyturn_refreshes_total{outcome=\"" + outcome + "\"}");
        }
        for (String limit : new String[] { "login", "signup", "forgot_password", "resend_verification", "verify_email",
                "password_change", "refresh" }) {
            assertThat(samples).containsKey("keyturn_rate_limited_total{limit=\"" + limit + "\"}");
        }
        for (String outcome : new String[] { "delivered", "failed", "abandoned" }) {
            assertThat(samples).containsKeys("keyturn_webhook_deliveries_total{outcome=\"" + outcome + "\"}",
                    "keyturn_webhook_delivery_seconds_count{outcome=\"" + outcome + "\"}");
        }
        assertThat(samples).containsKeys("keyturn_webhook_backlog",
                "keyturn_mails_total{mail=\"verification\",outcome=\"failed\"}",
                "keyturn_password_hashing_seconds_count{operation=\"verify\",scheme=\"argon2id\"}",
                "keyturn_password_hashing_seconds_count{operation=\"hash\",scheme=\"bcrypt-sha256\"}");
        assertThat(samples.keySet()).filteredOn(series -> series.startsWith("keyturn_"))
                .allSatisfy(series -> assertThat(series).doesNotContain("@").doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-"));
    }

    @Test
    void loginsAreCountedByOutcome() {
        Api.Account account = newAccount();
        Api.Account unverified = Api.newUnverifiedAccount();
        Api.Account disabled = newAccount();
        Db.update("update users set disabled = true where id = ?::uuid", disabled.id());
        Map<String, Double> before = Metrics.scrape();

        login(account);
        Api.login(account.email(), "not the password at all").then().statusCode(401);
        Api.login(Api.uniqueName("ghost") + "@example.com", "not the password at all").then().statusCode(401);
        Api.login(unverified.email(), unverified.password()).then().statusCode(403);
        Api.login(disabled.email(), disabled.password()).then().statusCode(403);
        given().contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("client_id", "nobody")
                .formParam("username", account.email()).formParam("password", account.password()).post("/oauth/token");

        Map<String, Double> after = Metrics.scrape();
        assertThat(delta(before, after, "keyturn_logins_total", outcome("success"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_logins_total", outcome("invalid_credentials"))).isEqualTo(2);
        assertThat(delta(before, after, "keyturn_logins_total", outcome("unverified"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_logins_total", outcome("disabled"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_password_hashing_seconds_count", "operation=\"verify\"",
                "scheme=\"bcrypt-sha256\"")).as("a check per login, the unknown email's decoy included").isEqualTo(5);
    }

    @Test
    void refreshesAreCountedByOutcomeTheTheftSignalAmongThem() {
        Api.Tokens first = login(newAccount());
        Map<String, Double> before = Metrics.scrape();

        String second = refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        refresh(first.refreshToken()).then().statusCode(200); // the parent again, within the grace window
        String third = refresh(second).then().statusCode(200).extract().path("refresh_token");
        refresh(first.refreshToken()).then().statusCode(401); // a grandparent: reuse, the session is revoked
        refresh(third).then().statusCode(401);
        refresh("not a token").then().statusCode(401);

        Map<String, Double> after = Metrics.scrape();
        assertThat(delta(before, after, "keyturn_refreshes_total", outcome("rotated"))).isEqualTo(2);
        assertThat(delta(before, after, "keyturn_refreshes_total", outcome("grace"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_refreshes_total", outcome("reuse_detected"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_refreshes_total", outcome("invalid"))).isEqualTo(2);
    }

    @Test
    void mailsAreCountedSentAndFailed() {
        Map<String, Double> before = Metrics.scrape();
        newAccount();
        GreenMailResource.whileDown(() -> given().contentType(ContentType.JSON)
                .body(Map.of("username", Api.uniqueName("nomail"), "email", Api.uniqueName("nomail") + "@example.com",
                        "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(503));
        Map<String, Double> after = Metrics.scrape();
        assertThat(delta(before, after, "keyturn_mails_total", "mail=\"verification\"", outcome("sent"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_mails_total", "mail=\"verification\"", outcome("failed"))).isEqualTo(1);
        assertThat(delta(before, after, "keyturn_password_hashing_seconds_count", "operation=\"hash\"",
                "scheme=\"bcrypt-sha256\"")).as("each sign-up hashes once").isEqualTo(2);
    }

    @Test
    void theSqlClientsPerConnectionGaugesAreLeftOutAndThePoolsAreThere() {
        Map<String, Double> samples = Metrics.scrape();
        assertThat(Metrics.names()).doesNotContain("postgresql_queue_size", "postgresql_current")
                .contains("sql_pool_active", "sql_pool_idle", "sql_pool_queue_size", "postgresql_processing_seconds_count");
        assertThat(Metrics.value(samples, "sql_pool_idle") + Metrics.value(samples, "sql_pool_active")).isPositive();
    }

    @Test
    void eachListenConnectionHasItsOwnClientNameAndNoMeterIsUnnamed() {
        // each LISTEN connection counts its LISTEN statement once it has connected, soon after the start
        for (String listener : new String[] { "revocation-listener", "webhook-listener" }) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Metrics.value(Metrics.scrape(),
                    "postgresql_completed_total", "clientName=\"" + listener + "\"")).as(listener).isPositive());
        }
        assertThat(Metrics.names()).as("a SQL client without a metrics name exports m__* meters")
                .noneMatch(name -> name.startsWith("m__"));
    }
}
