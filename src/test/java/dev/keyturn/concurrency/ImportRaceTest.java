package dev.keyturn.concurrency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Imports that run at once (an admin who starts the script twice, two admins) and sign-ups racing them: the unique
 * indexes decide inside the inserts, so each account is created exactly once, every other attempt is skipped (or the
 * sign-up answers 409), and no import fails half-way.
 */
@QuarkusTest
class ImportRaceTest {

    private static final int USERS = 200;
    private static final int IMPORTS = 8;

    @Test
    void parallelImportsOfTheSameUsersInAnyOrderCreateEachOnceAndSignUpsRacingThemMeetOneAccount() {
        String token = Api.adminToken();
        String domain = Api.uniqueName("race") + ".example.com";
        String hash = TestHashes.plainBcrypt("2b", "imported passphrase of the race", 4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String name = "r" + i + Api.uniqueName("u");
            lines.add("{\"username\":\"" + name + "\",\"email\":\"" + name + "@" + domain + "\",\"password_hash\":\"" + hash + "\"}");
        }
        List<Supplier<Response>> tasks = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < IMPORTS; i++) {
            List<String> order = new ArrayList<>(lines);
            Collections.shuffle(order, random); // each import in its own order
            byte[] body = (String.join("\n", order) + "\n").getBytes(StandardCharsets.UTF_8);
            tasks.add(() -> given().auth().oauth2(token).contentType("application/x-ndjson").body(body)
                    .post("/admin/users/import"));
        }
        List<String> raced = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String line = lines.get(i * 40);
            String email = line.replaceAll(".*\"email\":\"([^\"]+)\".*", "$1");
            raced.add(email);
            tasks.add(() -> given().contentType(ContentType.JSON).body(Map.of("username", Api.uniqueName("signup"),
                    "email", email, "password", Api.PASSWORD)).post("/auth/signup"));
        }

        List<Response> answers = Parallel.run(tasks);

        int created = 0;
        for (Response answer : answers.subList(0, IMPORTS)) {
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
            assertThat(answer.jsonPath().getInt("created") + answer.jsonPath().getInt("skipped")).isEqualTo(USERS);
            created += answer.jsonPath().getInt("created");
        }
        List<Integer> signups = answers.subList(IMPORTS, answers.size()).stream().map(Response::statusCode).toList();
        assertThat(signups).isSubsetOf(201, 409);
        long signedUp = signups.stream().filter(status -> status == 201).count();
        assertThat(created + signedUp).as("each email created once, by an import or a sign-up").isEqualTo(USERS);
        assertThat(Db.count("select count(*) from users where email like ?", "%@" + domain)).isEqualTo(USERS);
        for (String email : raced) {
            assertThat(Db.count("select count(*) from users where email = ?", email)).isEqualTo(1);
        }
        String adminId = given().auth().oauth2(token).get("/users/me").then().statusCode(200).extract().path("id");
        assertThat(Db.count("select count(*) from audit_events where type = 'users_imported' and detail->>'by' = ?",
                adminId)).as("one event per import").isEqualTo(IMPORTS);
        assertThat(Db.count("select sum((detail->>'created')::int) from audit_events where type = 'users_imported'"
                + " and detail->>'by' = ?", adminId)).as("the events' counts are the answers'").isEqualTo(created);
    }
}
