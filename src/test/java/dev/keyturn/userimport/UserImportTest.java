package dev.keyturn.userimport;

import static dev.keyturn.userimport.Imports.email;
import static dev.keyturn.userimport.Imports.keycloak;
import static dev.keyturn.userimport.Imports.post;
import static dev.keyturn.userimport.Imports.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code POST /admin/users/import} (docs/api.md): bulk creation with existing password hashes, one transaction, per-row
 * results, idempotent re-runs, and login with every imported scheme followed by the move to the configured one. The
 * hashes are made here with other implementations ({@link TestHashes}); the test profile's configured scheme is
 * bcrypt-sha256 at cost 4.
 */
@QuarkusTest
class UserImportTest {

    private static final String BCRYPT_PASSWORD = "node app passphrase 1";
    private static final String ARGON2_PASSWORD = "argon2 library passphrase 2";
    private static final String PBKDF2_SHA256_PASSWORD = "keycloak sha256 passphrase 3";
    private static final String PBKDF2_SHA512_PASSWORD = "keycloak sha512 passphrase 4";
    private static final String KEYCLOAK_ARGON2_PASSWORD = "keycloak argon2 passphrase 5";
    private static final String KEYTURN_PASSWORD = "another keyturn passphrase 6";
    private static final String CLEAR_PASSWORD = "given in the clear passphrase 7";

    private static String adminToken;

    /** One admin for the class, made at first need (RestAssured knows the port only once a test runs). */
    private static String admin() {
        if (adminToken == null) {
            adminToken = Api.adminToken();
        }
        return adminToken;
    }

    /** One row of each way in, with its password: the rows share one hash per scheme, as users of one system would not. */
    private static List<Map<String, Object>> mixedRows(String domain, int count) {
        List<Map<String, Object>> kinds = List.of(
                Map.of("password_hash", TestHashes.plainBcrypt("2b", BCRYPT_PASSWORD, 4)),
                Map.of("password_hash", TestHashes.argon2idPhc(ARGON2_PASSWORD, 256, 2, 1)),
                keycloak(TestHashes.keycloakPbkdf2("pbkdf2-sha256", PBKDF2_SHA256_PASSWORD, 1000)),
                keycloak(TestHashes.keycloakPbkdf2("pbkdf2-sha512", PBKDF2_SHA512_PASSWORD, 1000)),
                keycloak(TestHashes.keycloakArgon2(KEYCLOAK_ARGON2_PASSWORD, 1024, 2)),
                Map.of("password_hash", TestHashes.keyturnBcrypt(KEYTURN_PASSWORD, 5)),
                Map.of("password", CLEAR_PASSWORD));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(row(domain, kinds.get(i % kinds.size())));
        }
        return rows;
    }

    private static final String[] PASSWORDS = { BCRYPT_PASSWORD, ARGON2_PASSWORD, PBKDF2_SHA256_PASSWORD,
            PBKDF2_SHA512_PASSWORD, KEYCLOAK_ARGON2_PASSWORD, KEYTURN_PASSWORD, CLEAR_PASSWORD };

    private static String storedHash(String email) {
        return (String) Db.single("select password_hash from users where email = ?", email);
    }

    private static long usersUnder(String domain) {
        return Db.count("select count(*) from users where email like ?", "%@" + domain);
    }

    @Test
    void tenThousandUsersOfMixedSchemesInOneRequest() {
        String domain = Api.uniqueName("bulk") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, 10_000);
        byte[] body = Imports.ndjson(rows);

        long start = System.nanoTime();
        Response answer = post(admin(), Imports.NDJSON, body, false);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("IMPORT 10,000 users of mixed schemes, %d bytes of JSON lines: %d ms%n", body.length, millis);

        answer.then().statusCode(200).body("created", equalTo(10_000)).body("skipped", equalTo(0))
                .body("invalid", equalTo(0)).body("rows.size()", equalTo(10_000));
        assertThat(answer.jsonPath().getList("rows.status")).containsOnly("created");
        assertThat(answer.jsonPath().getList("rows.row", Integer.class)).startsWith(1, 2, 3).endsWith(10_000);
        assertThat(usersUnder(domain)).isEqualTo(10_000);
        String like = "select count(*) from users where email like ? and password_hash like ?";
        assertThat(Db.count(like, "%@" + domain, "{bcrypt}$2b$04$%")).isEqualTo(1429); // rows 1, 8, 15, …
        assertThat(Db.count(like, "%@" + domain, "$argon2id$v=19$m=256,t=2,p=1$%")).isEqualTo(1429);
        assertThat(Db.count(like, "%@" + domain, "$pbkdf2-sha256$i=1000$%")).isEqualTo(1429);
        assertThat(Db.count(like, "%@" + domain, "$pbkdf2-sha512$i=1000$%")).isEqualTo(1429);
        assertThat(Db.count(like, "%@" + domain, "$argon2id$v=19$m=1024,t=2,p=1$%")).isEqualTo(1428);
        assertThat(Db.count(like, "%@" + domain, "$2a$05$%")).as("Keyturn's own, as it was").isEqualTo(1428);
        assertThat(Db.count(like, "%@" + domain, "$2a$04$%")).as("in the clear, hashed as configured").isEqualTo(1428);
        assertThat(Db.count("select count(*) from users where email like ? and email_verified and not disabled"
                + " and roles = array['user']", "%@" + domain)).isEqualTo(10_000);
        assertThat(Db.count("select count(*) from audit_events where type = 'users_imported' and detail->>'rows' = '10000'"
                + " and detail->>'created' = '10000'")).isEqualTo(1);
        assertThat(answer.asString()).as("the answer repeats no password and no hash")
                .doesNotContain(CLEAR_PASSWORD).doesNotContain("$argon2id$").doesNotContain("$2b$04$").doesNotContain("salt");

        for (int i = 0; i < PASSWORDS.length; i++) {
            Api.login(email(rows.get(i)), PASSWORDS[i]).then().statusCode(200);
        }
    }

    @Test
    void aJsonArrayImportsAsJsonLinesDo() {
        String domain = Api.uniqueName("array") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, 14);
        post(admin(), "application/json", Imports.json(rows).getBytes(StandardCharsets.UTF_8), false)
                .then().statusCode(200).body("created", equalTo(14));
        assertThat(usersUnder(domain)).isEqualTo(14);
    }

    @Test
    void eachImportedSchemeLogsInAndIsThenRehashedToTheConfiguredScheme() {
        String domain = Api.uniqueName("schemes") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, PASSWORDS.length);
        post(admin(), rows).then().statusCode(200).body("created", equalTo(PASSWORDS.length));

        for (int i = 0; i < PASSWORDS.length; i++) {
            String email = email(rows.get(i));
            String before = storedHash(email);
            Api.login(email, PASSWORDS[i] + "!").then().statusCode(401).body("code", equalTo("invalid_credentials"));
            assertThat(storedHash(email)).as("a wrong password changes nothing").isEqualTo(before);

            Api.login(email, PASSWORDS[i]).then().statusCode(200);
            String after = storedHash(email);
            assertThat(after).as("row %d moved to bcrypt-sha256 at cost 4 (the test profile's)", i + 1)
                    .matches("^\\$2a\\$04\\$.{53}$");
            if (!before.startsWith("$2a$04$")) {
                assertThat(after).as("row %d", i + 1).isNotEqualTo(before);
            } else {
                assertThat(after).as("already current: untouched").isEqualTo(before);
            }
            Api.login(email, PASSWORDS[i]).then().statusCode(200);
            assertThat(storedHash(email)).as("a current hash is not made again").isEqualTo(after);
            Api.login(email, PASSWORDS[(i + 1) % PASSWORDS.length]).then().statusCode(401);
        }
    }

    @Test
    void invalidRowsImportNothingUnlessPartialAndEachIsNamedWithItsReason() {
        String domain = Api.uniqueName("invalid") + ".example.com";
        String hash = TestHashes.plainBcrypt("2a", BCRYPT_PASSWORD, 4);
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row(domain, Map.of("password_hash", hash)));                                  // 1 valid
        rows.add(row(domain, Map.of()));                                                       // 2 no password
        rows.add(row(domain, Map.of("password", CLEAR_PASSWORD, "password_hash", hash)));      // 3 both
        Map<String, Object> badEmail = row(domain, Map.of("password", CLEAR_PASSWORD));
        badEmail.put("email", "not an email");
        rows.add(badEmail);                                                                     // 4
        Map<String, Object> badName = row(domain, Map.of("password", CLEAR_PASSWORD));
        badName.put("username", "-x");
        rows.add(badName);                                                                      // 5
        rows.add(row(domain, Map.of("password_hash", "$2a$31$" + "a".repeat(53))));             // 6 cost too high
        rows.add(row(domain, Map.of("password_hash", "sha1:deadbeefdeadbeef")));               // 7 unknown format
        rows.add(row(domain, Map.of("password", CLEAR_PASSWORD, "roles", List.of("root")))); // 8
        rows.add(row(domain, Map.of("password", CLEAR_PASSWORD, "nickname", "x")));          // 9 unknown field
        rows.add(row(domain, Map.of("password", CLEAR_PASSWORD, "email_verified", "yes")));  // 10 wrong type
        Map<String, Object> twice = row(domain, Map.of("password", CLEAR_PASSWORD));
        twice.put("email", rows.get(0).get("email"));
        rows.add(twice);                                                                        // 11 email of row 1
        rows.add(row(domain, Map.of("credentials", List.of(Map.of("type", "otp", "secretData", "{}",
                "credentialData", "{}")))));                                                  // 12 no password credential
        rows.add(row(domain, Map.of("password", CLEAR_PASSWORD, "roles", List.of("admin"))));  // 13 valid admin

        Response refused = post(admin(), Imports.NDJSON, Imports.ndjson(rows), false);
        refused.then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        assertThat(refused.jsonPath().getList("errors.field")).containsExactly("row 2", "row 3", "row 4", "row 5",
                "row 6", "row 7", "row 8", "row 9", "row 10", "row 11", "row 12");
        assertThat(usersUnder(domain)).as("nothing half-imported").isZero();

        Response partial = post(admin(), Imports.NDJSON, Imports.ndjson(rows), true);
        partial.then().statusCode(200).body("created", equalTo(2)).body("invalid", equalTo(11));
        assertThat(usersUnder(domain)).isEqualTo(2);
        Map<Integer, String> reasons = new LinkedHashMap<>();
        for (Map<String, Object> result : partial.jsonPath().<Map<String, Object>> getList("rows")) {
            reasons.put((Integer) result.get("row"), result.get("status") + ": " + result.get("reason"));
        }
        assertThat(reasons.get(1)).startsWith("created");
        assertThat(reasons.get(2)).contains("one of password, password_hash or credentials is required");
        assertThat(reasons.get(3)).contains("only one of");
        assertThat(reasons.get(4)).contains("email: must be an email address");
        assertThat(reasons.get(5)).contains("username: letters, digits");
        assertThat(reasons.get(6)).contains("bcrypt cost 31");
        assertThat(reasons.get(7)).contains("not a supported format");
        assertThat(reasons.get(8)).contains("roles: must be user or admin");
        assertThat(reasons.get(9)).contains("unknown field nickname");
        assertThat(reasons.get(10)).contains("email_verified: wrong type");
        assertThat(reasons.get(11)).contains("email: also in row 1");
        assertThat(reasons.get(12)).contains("none of type password");
        assertThat(reasons.get(13)).startsWith("created");
        assertThat(Db.single("select array_to_string(roles, ',') from users where email = ?", email(rows.get(12))))
                .isEqualTo("user,admin");
        assertThat(partial.asString() + refused.asString()).doesNotContain(CLEAR_PASSWORD).doesNotContain(hash)
                .doesNotContain("deadbeef");
    }

    @Test
    void aReRunSkipsEverythingItCreatedAndAnExistingUsernameOrEmailIsSkipped() {
        String domain = Api.uniqueName("rerun") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, 50);
        byte[] body = Imports.ndjson(rows);
        post(admin(), Imports.NDJSON, body, false).then().statusCode(200).body("created", equalTo(50));
        String hashOfFirst = storedHash(email(rows.get(0)));

        Response again = post(admin(), Imports.NDJSON, body, false);
        again.then().statusCode(200).body("created", equalTo(0)).body("skipped", equalTo(50)).body("invalid", equalTo(0));
        assertThat(again.jsonPath().getList("rows.reason")).containsOnly("an account with this email exists");
        assertThat(usersUnder(domain)).isEqualTo(50);
        assertThat(storedHash(email(rows.get(0)))).as("a skipped row changes nothing").isEqualTo(hashOfFirst);

        Api.Account existing = Api.newAccount();
        Map<String, Object> sameName = row(domain, Map.of("password", CLEAR_PASSWORD));
        sameName.put("username", existing.username().toUpperCase());
        Map<String, Object> sameEmail = row(domain, Map.of("password", CLEAR_PASSWORD));
        sameEmail.put("email", existing.email().toUpperCase());
        Response skipped = post(admin(), List.of(sameName, sameEmail));
        skipped.then().statusCode(200).body("skipped", equalTo(2));
        assertThat(skipped.jsonPath().getList("rows.reason")).containsExactly("an account with this username exists",
                "an account with this email exists");
        Api.login(existing.email(), existing.password()).then().statusCode(200);
        assertThat(Db.count("select count(*) from audit_events where type = 'users_imported' and detail->>'by' = ?",
                adminId())).isGreaterThanOrEqualTo(3);
    }

    private static String adminId() {
        return given().auth().oauth2(admin()).get("/users/me").then().statusCode(200).extract().path("id");
    }

    @Test
    void onlyACurrentAdminMayImport() {
        String domain = Api.uniqueName("refused") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, 3);
        String user = Api.login(Api.newAccount()).accessToken();
        post(user, rows).then().statusCode(403).body("code", equalTo("forbidden"));
        given().contentType(Imports.NDJSON).body(Imports.ndjson(rows)).post("/admin/users/import").then().statusCode(401);

        Api.Account demoted = Api.newAccount();
        Api.makeAdmin(demoted);
        String demotedToken = Api.login(demoted).accessToken();
        Db.update("update users set roles = array['user'] where id = ?::uuid", demoted.id());
        post(demotedToken, rows).then().statusCode(403).body("code", equalTo("forbidden"));
        assertThat(usersUnder(domain)).isZero();
    }

    @Test
    void aBodyThatIsNotJsonOrNotAnImportIsRefusedWhole() {
        String domain = Api.uniqueName("malformed") + ".example.com";
        List<Map<String, Object>> rows = mixedRows(domain, 3);
        byte[] good = Imports.ndjson(rows);
        byte[] broken = (new String(good, StandardCharsets.UTF_8) + "{\"username\": \"x\", \"email\": ").getBytes(StandardCharsets.UTF_8);
        post(admin(), Imports.NDJSON, broken, true).then().statusCode(400).body("code", equalTo("malformed_request"));
        post(admin(), Imports.NDJSON, "{\"username\":\"a\",\"username\":\"b\"}\n".getBytes(StandardCharsets.UTF_8), true)
                .then().statusCode(400).body("code", equalTo("malformed_request"));
        post(admin(), "application/json", good, true).then().statusCode(400).body("code", equalTo("malformed_request"));
        post(admin(), "text/plain", good, true).then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        assertThat(usersUnder(domain)).isZero();
    }

    @Test
    void aBodyOverTheImportLimitIsRefusedDeclaredOrChunked() throws Exception {
        long limit = ConfigProvider.getConfig().getValue("keyturn.http.max-import-body-size",
                io.quarkus.runtime.configuration.MemorySize.class).asLongValue();
        assertThat(limit).as("the import takes more than the other routes' 64 KiB").isGreaterThan(1024 * 1024);
        String domain = Api.uniqueName("large") + ".example.com";
        StringBuilder large = new StringBuilder();
        while (large.length() <= limit) {
            large.append(Imports.json(row(domain, Map.of("password", CLEAR_PASSWORD)))).append('\n');
        }
        byte[] body = large.toString().getBytes(StandardCharsets.UTF_8);
        post(admin(), Imports.NDJSON, body, true).then().statusCode(413).body("code", equalTo("payload_too_large"));

        // without a length: counted as it arrives, refused once it passes the limit
        String base = "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/admin/users/import?partial=true")).header("Authorization", "Bearer " + admin())
                .header("Content-Type", Imports.NDJSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("payload_too_large");
        assertThat(usersUnder(domain)).isZero();

        // a small chunked body reaches the route unread, with or without a trailing slash
        for (String path : List.of("/admin/users/import", "/admin/users/import/")) {
            String small = domain.replace("large", "chunked" + path.length());
            byte[] rows = Imports.ndjson(mixedRows(small, 3));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + admin()).header("Content-Type", Imports.NDJSON)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(rows))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(200);
            assertThat(usersUnder(small)).as(path).isEqualTo(3);
        }

        // and the other routes keep their 64 KiB
        given().contentType("application/json").body(new byte[70 * 1024]).post("/auth/login").then().statusCode(413);
    }
}
