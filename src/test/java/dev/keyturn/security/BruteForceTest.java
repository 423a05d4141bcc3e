package dev.keyturn.security;

import static dev.keyturn.security.SmallRateLimitsProfile.FORGOT_PER_ACCOUNT;
import static dev.keyturn.security.SmallRateLimitsProfile.FORGOT_PER_IP;
import static dev.keyturn.security.SmallRateLimitsProfile.LOGIN_PER_ACCOUNT;
import static dev.keyturn.security.SmallRateLimitsProfile.LOGIN_PER_ACCOUNT_AND_IP;
import static dev.keyturn.security.SmallRateLimitsProfile.LOGIN_PER_IP;
import static dev.keyturn.security.SmallRateLimitsProfile.REFRESH_PER_SESSION;
import static dev.keyturn.security.SmallRateLimitsProfile.RESEND_PER_IP;
import static dev.keyturn.security.SmallRateLimitsProfile.SIGNUP_PER_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Burst;
import dev.keyturn.support.Db;
import dev.keyturn.support.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Attack family: brute force and flooding. Every limit of docs/security.md answers 429 {@code rate_limited}
 * with {@code Retry-After}, before doing the work it protects (the database does not change), and a client
 * address comes from X-Forwarded-For only through a trusted proxy.
 */
@QuarkusTest
@TestProfile(SmallRateLimitsProfile.class)
class BruteForceTest {

    private static Response login(String address, String email, String password) {
        return Clients.from(address).body(Map.of("email", email, "password", password)).post("/auth/login");
    }

    private static void assertRateLimited(Response response, long maxRetryAfterSeconds) {
        response.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, maxRetryAfterSeconds);
    }

    private static long loginEvents(String userId) {
        return Db.count("select count(*) from audit_events where user_id = ?::uuid and type like 'login%'", userId);
    }

    private static long sessions(String userId) {
        return Db.count("select count(*) from sessions where user_id = ?::uuid", userId);
    }

    @Test
    void guessingOnePasswordFromOneAddressIsStoppedWithRetryAfter() {
        Api.Account victim = Clients.newAccount();
        String attacker = Clients.newAddress();
        for (int i = 0; i < LOGIN_PER_ACCOUNT_AND_IP; i++) {
            login(attacker, victim.email(), "wrong guess number " + i).then().statusCode(401);
        }
        long events = loginEvents(victim.id());
        Map<String, Double> metrics = Metrics.scrape();
        // even the right password: the block comes before any password check
        assertRateLimited(login(attacker, victim.email(), victim.password()), 15 * 60);
        assertThat(loginEvents(victim.id())).isEqualTo(events);
        Map<String, Double> after = Metrics.scrape();
        assertThat(Metrics.value(after, "keyturn_rate_limited_total", "limit=\"login\"")
                - Metrics.value(metrics, "keyturn_rate_limited_total", "limit=\"login\"")).isEqualTo(1);
        assertThat(Metrics.value(after, "keyturn_logins_total", "outcome=\"rate_limited\"")
                - Metrics.value(metrics, "keyturn_logins_total", "outcome=\"rate_limited\"")).isEqualTo(1);
        assertThat(sessions(victim.id())).isZero();
    }

    @Test
    void theOwnerLogsInFromElsewhereWhileAnAttackerIsBlocked() {
        Api.Account victim = Clients.newAccount();
        String attacker = Clients.newAddress();
        for (int i = 0; i <= LOGIN_PER_ACCOUNT_AND_IP; i++) {
            login(attacker, victim.email(), "wrong guess " + i);
        }
        assertRateLimited(login(attacker, victim.email(), "wrong again"), 15 * 60);
        login(Clients.newAddress(), victim.email(), victim.password()).then().statusCode(200);
        assertThat(sessions(victim.id())).isEqualTo(1);
    }

    @Test
    void guessingFromManyAddressesMeetsTheAccountCeiling() {
        Api.Account victim = Clients.newAccount();
        int attempts = 0;
        while (attempts < LOGIN_PER_ACCOUNT) {
            String address = Clients.newAddress();
            for (int i = 0; i < LOGIN_PER_ACCOUNT_AND_IP && attempts < LOGIN_PER_ACCOUNT; i++, attempts++) {
                login(address, victim.email(), "distributed guess " + attempts).then().statusCode(401);
            }
        }
        long events = loginEvents(victim.id());
        assertRateLimited(login(Clients.newAddress(), victim.email(), "one more"), 15 * 60);
        assertThat(loginEvents(victim.id())).isEqualTo(events);
    }

    /**
     * A flood from one address is stopped by the per-(account, address) limit, and the requests it refuses count in
     * no other limit: the owner logs in meanwhile from his usual address and afterwards from a new one.
     */
    @Test
    void aFloodOfWrongPasswordsFromOneAddressLocksTheOwnerOutNowhere() {
        Api.Account victim = Clients.newAccount();
        String home = Clients.newAddress();
        login(home, victim.email(), victim.password()).then().statusCode(200);
        String attacker = Clients.newAddress();
        List<Response> answers = new ArrayList<>();
        for (int burst = 0; burst < 3; burst++) {
            boolean ownerToo = burst < 2;
            answers.addAll(Burst.times(36, i -> i == 0 && ownerToo
                    ? login(home, victim.email(), victim.password())
                    : login(attacker, victim.email(), "wrong guess " + i)));
        }
        // the owner's two logins from home, interleaved with the flood
        assertThat(answers.get(0).statusCode()).isEqualTo(200);
        assertThat(answers.get(36).statusCode()).isEqualTo(200);
        List<Integer> flood = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (i != 0 && i != 36) {
                flood.add(answers.get(i).statusCode());
            }
        }
        assertThat(flood).hasSize(106).containsOnly(401, 429);
        assertThat(flood.stream().filter(status -> status == 401)).hasSize(LOGIN_PER_ACCOUNT_AND_IP);
        assertRateLimited(login(attacker, victim.email(), victim.password()), 15 * 60);
        assertThat(Db.count("select count(*) from audit_events where user_id = ?::uuid and type = 'login_failed'",
                victim.id())).isEqualTo(LOGIN_PER_ACCOUNT_AND_IP);
        // the refused attempts did not fill the per-account ceiling: a new address of the owner's works too
        login(Clients.newAddress(), victim.email(), victim.password()).then().statusCode(200);
        login(home, victim.email(), victim.password()).then().statusCode(429); // home's own (account, address) budget
    }

    /**
     * Guessing spread over many fresh addresses meets the per-account ceiling exactly (parallel attempts included),
     * while the owner's known address, where he logged in before, is never counted in it.
     */
    @Test
    void distributedGuessingMeetsTheAccountCeilingButNotTheOwnersKnownAddress() {
        Api.Account victim = Clients.newAccount();
        String home = Clients.newAddress();
        login(home, victim.email(), victim.password()).then().statusCode(200);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < LOGIN_PER_ACCOUNT; i++) {
            addresses.add(Clients.newAddress());
        }
        List<Response> answers = Burst.times(LOGIN_PER_ACCOUNT * LOGIN_PER_ACCOUNT_AND_IP, i -> login(
                addresses.get(i % addresses.size()), victim.email(), "distributed guess " + i));
        assertThat(answers).extracting(Response::statusCode).containsOnly(401, 429);
        // the owner's first login from home came from an address unknown then: it counted once
        assertThat(answers.stream().filter(answer -> answer.statusCode() == 401)).hasSize(LOGIN_PER_ACCOUNT - 1);
        assertRateLimited(login(Clients.newAddress(), victim.email(), victim.password()), 15 * 60);
        login(home, victim.email(), victim.password()).then().statusCode(200);
        assertThat(Db.count("select count(*) from login_known_addresses where user_id = ?::uuid", victim.id()))
                .isEqualTo(1);
    }

    @Test
    void theBlockEndsWithItsWindow() {
        Api.Account victim = Clients.newAccount();
        String address = Clients.newAddress();
        for (int i = 0; i < LOGIN_PER_ACCOUNT_AND_IP; i++) {
            login(address, victim.email(), "wrong guess " + i).then().statusCode(401);
        }
        assertRateLimited(login(address, victim.email(), victim.password()), 15 * 60);
        // 16 minutes later (moved in the database rather than waited for)
        Db.update("update rate_limits set window_start = window_start - interval '16 minutes'");
        login(address, victim.email(), victim.password()).then().statusCode(200);
    }

    @Test
    void credentialStuffingFromOneAddressIsStopped() {
        String address = Clients.newAddress();
        for (int i = 0; i < LOGIN_PER_IP; i++) {
            login(address, Api.uniqueName("stuffed") + "@example.com", "leaked password " + i).then().statusCode(401);
        }
        long failures = Db.count("select count(*) from audit_events where type = 'login_failed'");
        assertRateLimited(login(address, Api.uniqueName("stuffed") + "@example.com", "leaked password"), 10 * 60);
        assertThat(Db.count("select count(*) from audit_events where type = 'login_failed'")).isEqualTo(failures);
    }

    @Test
    void signUpsFromOneAddressAreLimited() {
        String address = Clients.newAddress();
        for (int i = 0; i < SIGNUP_PER_IP; i++) {
            String name = Api.uniqueName("flood");
            Clients.from(address).body(Map.of("username", name, "email", name + "@example.com", "password", Api.PASSWORD))
                    .post("/auth/signup").then().statusCode(201);
        }
        long users = Db.count("select count(*) from users");
        String name = Api.uniqueName("flood");
        assertRateLimited(Clients.from(address)
                .body(Map.of("username", name, "email", name + "@example.com", "password", Api.PASSWORD))
                .post("/auth/signup"), 3600);
        assertThat(Db.count("select count(*) from users")).isEqualTo(users);
        // another address is not affected
        Clients.from(Clients.newAddress())
                .body(Map.of("username", name, "email", name + "@example.com", "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201);
    }

    @Test
    void passwordResetMailsPerAddressAreLimitedAlikeForUnknownAccounts() {
        Api.Account account = Clients.newAccount();
        String unknown = Api.uniqueName("nobody") + "@example.com";
        for (int i = 0; i < FORGOT_PER_ACCOUNT; i++) {
            Clients.from(Clients.newAddress()).body(Map.of("email", account.email())).post("/auth/password/forgot")
                    .then().statusCode(202);
            Clients.from(Clients.newAddress()).body(Map.of("email", unknown)).post("/auth/password/forgot")
                    .then().statusCode(202);
        }
        long resets = Db.count("select count(*) from password_resets");
        Response known = Clients.from(Clients.newAddress()).body(Map.of("email", account.email())).post("/auth/password/forgot");
        Response nobody = Clients.from(Clients.newAddress()).body(Map.of("email", unknown)).post("/auth/password/forgot");
        assertRateLimited(known, 3600);
        assertRateLimited(nobody, 3600);
        assertThat(known.body().asString()).isEqualTo(nobody.body().asString());
        assertThat(Db.count("select count(*) from password_resets")).isEqualTo(resets);
    }

    @Test
    void passwordResetRequestsFromOneAddressAreLimited() {
        String address = Clients.newAddress();
        for (int i = 0; i < FORGOT_PER_IP; i++) {
            Clients.from(address).body(Map.of("email", Api.uniqueName("any") + "@example.com")).post("/auth/password/forgot")
                    .then().statusCode(202);
        }
        Api.Account account = Clients.newAccount();
        long resets = Db.count("select count(*) from password_resets");
        assertRateLimited(Clients.from(address).body(Map.of("email", account.email())).post("/auth/password/forgot"), 3600);
        assertThat(Db.count("select count(*) from password_resets")).isEqualTo(resets);
    }

    @Test
    void verificationResendsFromOneAddressAreLimited() {
        String address = Clients.newAddress();
        for (int i = 0; i < RESEND_PER_IP; i++) {
            Clients.from(address).body(Map.of("email", Api.uniqueName("any") + "@example.com"))
                    .post("/auth/resend-verification").then().statusCode(202);
        }
        long codes = Db.count("select count(*) from verification_codes");
        assertRateLimited(Clients.from(address).body(Map.of("email", Api.uniqueName("any") + "@example.com"))
                .post("/auth/resend-verification"), 3600);
        assertThat(Db.count("select count(*) from verification_codes")).isEqualTo(codes);
    }

    @Test
    void refreshesOfOneSessionAreLimited() {
        Api.Account account = Clients.newAccount();
        String refresh = login(Clients.newAddress(), account.email(), account.password()).then().statusCode(200)
                .extract().path("refresh_token");
        for (int i = 0; i < REFRESH_PER_SESSION; i++) {
            refresh = Api.refresh(refresh).then().statusCode(200).extract().path("refresh_token");
        }
        long tokens = Db.count("select count(*) from refresh_tokens");
        Map<String, Double> metrics = Metrics.scrape();
        assertRateLimited(Api.refresh(refresh), 60);
        assertThat(Db.count("select count(*) from refresh_tokens")).isEqualTo(tokens);
        Map<String, Double> after = Metrics.scrape();
        assertThat(Metrics.value(after, "keyturn_rate_limited_total", "limit=\"refresh\"")
                - Metrics.value(metrics, "keyturn_rate_limited_total", "limit=\"refresh\"")).isEqualTo(1);
        assertThat(Metrics.value(after, "keyturn_refreshes_total", "outcome=\"rate_limited\"")
                - Metrics.value(metrics, "keyturn_refreshes_total", "outcome=\"rate_limited\"")).isEqualTo(1);
        // the session is intact: the same token works once the window is over
        Db.update("update sessions set refresh_window_start = refresh_window_start - interval '2 minutes' where user_id = ?::uuid",
                account.id());
        Api.refresh(refresh).then().statusCode(200);
    }

    @Test
    void countersAreSharedStateInTheDatabaseAndKeepNoAddressOrEmail() {
        Api.Account account = Clients.newAccount();
        String address = Clients.newAddress();
        login(address, account.email(), "wrong password here").then().statusCode(401);
        assertThat(Db.count("select count(*) from rate_limits where action like 'login%'")).isPositive();
        assertThat(Db.count("select count(*) from rate_limits where subject like ? or subject like ?",
                "%" + address + "%", "%" + account.email() + "%")).isZero();
    }

    @Test
    void anUntrustedPeerCannotChooseItsAddressWithXForwardedFor() throws Exception {
        Api.Account account = Clients.newAccount();
        String spoofed = Clients.newAddress();
        String body = "{\"email\": \"" + account.email() + "\", \"password\": \"not the password\"}";
        String answer = Clients.rawFrom("127.0.0.2", "POST /auth/login HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "X-Forwarded-For: " + spoofed + "\r\n", body);
        assertThat(answer).startsWith("HTTP/1.1 401");
        assertThat(Db.column("select ip from audit_events where user_id = ?::uuid and type = 'login_failed'", account.id()))
                .containsExactly("127.0.0.2");
        // the same header through the trusted proxy (127.0.0.1) is believed
        login(spoofed, account.email(), "still not the password").then().statusCode(401);
        assertThat(Db.column("select ip from audit_events where user_id = ?::uuid and type = 'login_failed'", account.id()))
                .containsExactlyInAnyOrder("127.0.0.2", spoofed);
    }
}
