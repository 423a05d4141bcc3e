package dev.keyturn.concurrency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A disable wins over every login in flight: a login whose password was checked before the disable committed either
 * started its session first (and the disable ended it) or finds the account disabled when it writes its session
 * (the account row is re-read under a share lock there: auth/NewSessions).
 */
@QuarkusTest
class DisableRaceTest {

    private static final int LOGINS = 20;

    @Test
    void loginsRacingADisableLeaveNoLiveSession() {
        Api.Account victim = Api.newAccount();
        String adminToken = Api.adminToken();

        List<Supplier<Response>> tasks = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            tasks.add(() -> Api.login(victim.email(), victim.password()).then().extract().response());
        }
        tasks.add(LOGINS / 2, () -> given().auth().oauth2(adminToken).post("/admin/users/" + victim.id() + "/disable")
                .then().extract().response());
        List<Response> answers = Parallel.run(tasks);

        assertThat(answers.get(LOGINS / 2).statusCode()).as("the disable").isEqualTo(200);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", victim.id()))
                .isZero();
        answers.remove(LOGINS / 2);
        for (Response answer : answers) {
            assertThat(answer.statusCode()).isIn(200, 403);
            if (answer.statusCode() == 200) {
                // a session that started first was ended by the disable, its access token with it
                Api.me(answer.path("access_token")).then().statusCode(401);
                Api.refresh(answer.path("refresh_token")).then().statusCode(401);
            }
        }
    }
}
