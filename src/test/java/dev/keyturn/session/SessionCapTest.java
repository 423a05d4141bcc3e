package dev.keyturn.session;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Burst;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** docs/api.md: a user has at most KEYTURN_MAX_SESSIONS_PER_USER (default 50) live sessions; a new login ends the oldest. */
@QuarkusTest
class SessionCapTest {

    private static final int CAP = 50;

    @Test
    void parallelLoginsLeaveExactlyTheCapOfLiveSessionsAndEndTheOldest() {
        Api.Account account = newAccount();
        List<Api.Tokens> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(login(account));
        }
        // 80 logins at once, raced by the early sessions refreshing and listing their sessions
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            calls.add(() -> Api.login(account.email(), account.password()));
        }
        for (Api.Tokens tokens : early) {
            calls.add(() -> Api.refresh(tokens.refreshToken()));
            calls.add(() -> given().auth().oauth2(tokens.accessToken()).get("/users/me/sessions"));
        }
        List<Response> answers = Burst.of(calls);
        List<String> accessTokens = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            assertThat(answers.get(i).statusCode()).as("login %d", i).isEqualTo(200);
            accessTokens.add(answers.get(i).path("access_token"));
        }
        for (Response answer : answers.subList(80, answers.size())) {
            assertThat(answer.statusCode()).isIn(200, 401); // an early session may be ended while it asks
        }

        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", account.id()))
                .isEqualTo(CAP);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_reason = 'session_limit'",
                account.id())).isEqualTo(83 - CAP);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'session_evicted'",
                account.id())).isEqualTo(83 - CAP);
        // the three oldest sessions are among the ended ones
        for (Api.Tokens tokens : early) {
            assertThat(Db.single("select revoked_reason from sessions where id = ?::uuid",
                    Jwts.claims(tokens.accessToken()).get("sid"))).isEqualTo("session_limit");
            Api.me(tokens.accessToken()).then().statusCode(401);
        }
        // exactly the live ones still work, and the list shows exactly them
        long working = accessTokens.stream().filter(token -> Api.me(token).statusCode() == 200).count();
        assertThat(working).isEqualTo(CAP);
        String live = accessTokens.stream().filter(token -> Api.me(token).statusCode() == 200).findFirst().orElseThrow();
        List<String> listed = given().auth().oauth2(live).get("/users/me/sessions").then().statusCode(200)
                .extract().jsonPath().getList("last_used_at");
        assertThat(listed).hasSize(CAP);
        assertThat(listed).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void anEndedSessionsRefreshTokenNoLongerRefreshes() {
        Api.Account account = newAccount();
        Api.Tokens oldest = login(account);
        Burst.times(CAP, i -> Api.login(account.email(), account.password()).statusCode());
        Api.refresh(oldest.refreshToken()).then().statusCode(401);
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", account.id()))
                .isEqualTo(CAP);
    }
}
