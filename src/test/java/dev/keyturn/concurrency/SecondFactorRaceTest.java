package dev.keyturn.concurrency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Mfa;
import dev.keyturn.support.Parallel;
import dev.keyturn.support.TotpApp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * DESIGN.md "State changes that survive concurrency", for second factors: an mfa_token, a TOTP code and a recovery
 * code each work once however many requests present them at the same moment; a login racing the first enrolment
 * leaves no password-only session behind; an admin's reset wins over every login in flight.
 */
@QuarkusTest
class SecondFactorRaceTest {

    private static final int REQUESTS = 20;

    private static long liveSessions(String userId) {
        return Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", userId);
    }

    private static long count(List<Integer> statuses, int status) {
        return statuses.stream().filter(s -> s == status).count();
    }

    @Test
    void oneMfaTokenPresentedManyTimesAtOnceStartsOneSession() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        long before = liveSessions(enrolled.account().id());
        String token = Mfa.mfaToken(enrolled.account());
        String code = enrolled.app().nextCode();
        List<Integer> statuses = Parallel.times(REQUESTS, () -> Mfa.withCode(token, code).statusCode());
        assertThat(count(statuses, 200)).isEqualTo(1);
        assertThat(statuses).allMatch(s -> s == 200 || s == 401 || s == 400);
        assertThat(liveSessions(enrolled.account().id())).isEqualTo(before + 1);
    }

    @Test
    void oneTotpCodeAcrossManyLoginsAtOnceWorksOnce() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        long before = liveSessions(enrolled.account().id());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            tokens.add(Mfa.mfaToken(enrolled.account()));
        }
        String code = enrolled.app().nextCode();
        List<Supplier<Integer>> tasks = tokens.stream()
                .<Supplier<Integer>> map(token -> () -> Mfa.withCode(token, code).statusCode()).toList();
        List<Integer> statuses = Parallel.run(tasks);
        assertThat(count(statuses, 200)).isEqualTo(1);
        assertThat(count(statuses, 400)).isEqualTo(REQUESTS - 1);
        assertThat(liveSessions(enrolled.account().id())).isEqualTo(before + 1);
    }

    @Test
    void oneRecoveryCodeAcrossManyLoginsAtOnceWorksOnce() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String recovery = enrolled.recoveryCodes().get(0);
        List<Supplier<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String token = Mfa.mfaToken(enrolled.account());
            tasks.add(() -> Mfa.secondStep(token, Map.of("recovery_code", recovery)).statusCode());
        }
        List<Integer> statuses = Parallel.run(tasks);
        assertThat(count(statuses, 200)).isEqualTo(1);
        assertThat(count(statuses, 400)).isEqualTo(REQUESTS - 1);
        assertThat(Db.count("select count(*) from mfa_recovery_codes where user_id = ?::uuid and used_at is not null",
                enrolled.account().id())).isEqualTo(1);
    }

    @Test
    void loginsRacingTheFirstEnrolmentLeaveNoPasswordOnlySession() {
        Api.Account account = Api.newAccount();
        Api.Tokens enrolling = Api.login(account);
        Response enrolment = Mfa.enrolTotp(enrolling.accessToken()).then().statusCode(201).extract().response();
        TotpApp app = new TotpApp(enrolment.path("secret"));
        String factorId = enrolment.path("id");
        String code = app.nextCode();

        List<Supplier<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            tasks.add(() -> Api.login(account.email(), account.password()).statusCode());
        }
        tasks.add(REQUESTS / 2, () -> Mfa.confirm(enrolling.accessToken(), factorId, code).statusCode());
        List<Integer> statuses = Parallel.run(tasks);

        assertThat(statuses.get(REQUESTS / 2)).isEqualTo(200);
        assertThat(statuses).allMatch(s -> s == 200 || s == 403);
        // every password-only session that a racing login started was ended by the enrolment; later logins were
        // asked for the second factor
        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid and revoked_at is null "
                + "and (amr is null or not ('mfa' = any(amr)))", account.id())).isZero();
        assertThat(liveSessions(account.id())).isEqualTo(1);
        Api.me(enrolling.accessToken()).then().statusCode(200);
        Api.login(account.email(), account.password()).then().statusCode(403);
    }

    @Test
    void confirmationsOfOneFactorAtOnceConfirmItOnce() {
        Api.Account account = Api.newAccount();
        Api.Tokens session = Api.login(account);
        Response enrolment = Mfa.enrolTotp(session.accessToken()).then().statusCode(201).extract().response();
        String code = new TotpApp(enrolment.path("secret")).nextCode();
        String factorId = enrolment.path("id");
        List<Integer> statuses = Parallel.times(10, () -> Mfa.confirm(session.accessToken(), factorId, code).statusCode());
        assertThat(count(statuses, 200)).isEqualTo(1);
        assertThat(count(statuses, 409)).isEqualTo(9);
        assertThat(Db.count("select count(*) from mfa_recovery_codes where user_id = ?::uuid", account.id())).isEqualTo(10);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'mfa_factor_enrolled'",
                account.id())).isEqualTo(1);
    }

    @Test
    void anAdminResetWinsOverLoginsInFlight() {
        Mfa.Enrolled enrolled = Mfa.accountWithTotp();
        String adminToken = Api.adminToken();

        List<Supplier<Integer>> tasks = new ArrayList<>();
        for (String recovery : enrolled.recoveryCodes()) {
            String token = Mfa.mfaToken(enrolled.account());
            tasks.add(() -> Mfa.secondStep(token, Map.of("recovery_code", recovery)).statusCode());
        }
        tasks.add(5, () -> given().auth().oauth2(adminToken).delete("/admin/users/" + enrolled.account().id() + "/mfa")
                .statusCode());
        List<Integer> statuses = Parallel.run(tasks);

        assertThat(statuses.get(5)).isEqualTo(204);
        assertThat(liveSessions(enrolled.account().id())).isZero();
        assertThat(Db.single("select mfa_enabled from users where id = ?::uuid", enrolled.account().id())).isEqualTo(false);
        assertThat(Db.count("select count(*) from mfa_factors where user_id = ?::uuid", enrolled.account().id())).isZero();
        assertThat(Db.count("select count(*) from mfa_recovery_codes where user_id = ?::uuid", enrolled.account().id()))
                .isZero();
        // the password alone logs in again, as after any reset
        given().contentType(ContentType.JSON)
                .body(Map.of("email", enrolled.account().email(), "password", enrolled.account().password()))
                .post("/auth/login").then().statusCode(200);
    }
}
