package dev.keyturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * The user import and every imported hash scheme against the packaged application (JVM jar or native executable),
 * configured for Argon2id: the body read as it arrives (Jackson's non-blocking parser), Bouncy Castle's Argon2 and
 * PBKDF2 and Elytron's bcrypt verifying, each account moved to Argon2id at its login, and the metrics exposed.
 */
class UserImportIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn-import")
            .with("KEYTURN_PASSWORD_HASH_SCHEME", "argon2id");

    private static String adminToken() throws Exception {
        Map<String, String> admin = deployment.service().newAccount("importer");
        deployment.sql("update users set roles = array['user','admin'] where email = '" + admin.get("email") + "'");
        return (String) deployment.service().login(admin).get("access_token");
    }

    private static Map<String, Object> row(String name, String password, Map<String, Object> secret) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("username", name);
        row.put("email", name + "@import.example.com");
        row.put("email_verified", true);
        row.putAll(secret);
        return row;
    }

    private static Map<String, Object> keycloak(TestHashes.KeycloakShape shape) {
        return Map.of("credentials", List.of(Map.of("type", "password", "secretData", shape.secretData(),
                "credentialData", shape.credentialData())));
    }

    @Test
    void importedUsersOfEverySchemeLogInAndMoveToArgon2id() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put("node" + suffix, "node app passphrase one");
        passwords.put("phc" + suffix, "argon2 library passphrase two");
        passwords.put("kcsha256" + suffix, "keycloak passphrase three");
        passwords.put("kcsha512" + suffix, "keycloak passphrase four");
        passwords.put("kcargon" + suffix, "keycloak passphrase five");
        passwords.put("keyturn" + suffix, "keyturn passphrase six");
        passwords.put("clear" + suffix, "clear passphrase seven");
        List<String> names = List.copyOf(passwords.keySet());
        List<Map<String, Object>> rows = List.of(
                row(names.get(0), null, Map.of("password_hash", TestHashes.plainBcrypt("2b", passwords.get(names.get(0)), 4))),
                row(names.get(1), null, Map.of("password_hash", TestHashes.argon2idPhc(passwords.get(names.get(1)), 256, 2, 1))),
                row(names.get(2), null, keycloak(TestHashes.keycloakPbkdf2("pbkdf2-sha256", passwords.get(names.get(2)), 1000))),
                row(names.get(3), null, keycloak(TestHashes.keycloakPbkdf2("pbkdf2-sha512", passwords.get(names.get(3)), 1000))),
                row(names.get(4), null, keycloak(TestHashes.keycloakArgon2(passwords.get(names.get(4)), 1024, 2))),
                row(names.get(5), null, Map.of("password_hash", TestHashes.keyturnBcrypt(passwords.get(names.get(5)), 4))),
                row(names.get(6), null, Map.of("password", passwords.get(names.get(6)))));
        StringBuilder body = new StringBuilder();
        for (Map<String, Object> row : rows) {
            body.append(JSON.writeValueAsString(row)).append('\n');
        }

        HttpResponse<String> imported = HTTP.send(HttpRequest.newBuilder(URI.create(deployment.service().base()
                + "/admin/users/import")).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(PackagedService.json(imported)).containsEntry("created", 7).containsEntry("invalid", 0);

        for (String name : names) {
            Map<String, String> account = Map.of("email", name + "@import.example.com", "password", passwords.get(name));
            assertThat(deployment.service().login(account)).containsKey("access_token");
            assertThat((String) deployment.sql("select password_hash from users where username = '" + name + "'"))
                    .as(name).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
            assertThat(deployment.service().login(account)).containsKey("access_token");
        }

        String metrics = deployment.service().get("/q/metrics", null).body();
        assertThat(metrics).contains("keyturn_logins_total{outcome=\"success\"} 15.0")
                .contains("keyturn_password_hashing_seconds_count{operation=\"verify\",scheme=\"pbkdf2-sha512\"} 1.0")
                .contains("keyturn_password_hashing_seconds_count{operation=\"verify\",scheme=\"argon2id\"}")
                .contains("http_server_requests_seconds_bucket{");
    }
}
