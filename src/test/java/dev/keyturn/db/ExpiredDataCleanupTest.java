package dev.keyturn.db;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;

/** The scheduled job deletes what can no longer be used, and nothing that still can. */
@QuarkusTest
class ExpiredDataCleanupTest {

    @Inject
    ExpiredDataCleanup cleanup;

    @Inject
    Pool pool;

    @Test
    void deletesExpiredAndRevokedDataOnly() throws Throwable {
        Api.Account account = newAccount();
        Api.Tokens expired = login(account);
        Api.Tokens revoked = login(account);
        Api.Tokens live = login(account);
        UUID expiredSid = sid(expired);
        UUID revokedSid = sid(revoked);
        UUID liveSid = sid(live);
        Db.update("update sessions set expires_at = now() - interval '2 days' where id = ?", expiredSid);
        Db.update("update refresh_tokens set expires_at = now() - interval '2 days' where session_id = ?", expiredSid);
        Db.update("update sessions set revoked_at = now() - interval '2 days' where id = ?", revokedSid);
        Db.update("update verification_codes set expires_at = now() - interval '2 days' where user_id = ?::uuid", account.id());

        VertxContextSupport.subscribeAndAwait(cleanup::run);

        assertThat(Db.count("select count(*) from sessions where id in (?, ?)", expiredSid, revokedSid)).isZero();
        assertThat(Db.count("select count(*) from refresh_tokens where session_id in (?, ?)", expiredSid, revokedSid)).isZero();
        assertThat(Db.count("select count(*) from verification_codes where user_id = ?::uuid", account.id())).isZero();
        assertThat(Db.count("select count(*) from sessions where id = ?", liveSid)).isEqualTo(1);
        Api.refresh(live.refreshToken()).then().statusCode(200);
    }

    @Test
    void expiredClientAssertionIdsGoAndLiveOnesStay() throws Throwable {
        String client = Api.uniqueName("assertions");
        Db.update("insert into oauth_client_assertions (client_id, jti, expires_at) values"
                + " (?, 'old', now() - interval '1 second'), (?, 'live', now() + interval '5 minutes')", client, client);

        VertxContextSupport.subscribeAndAwait(cleanup::run);

        assertThat(Db.column("select jti from oauth_client_assertions where client_id = ?", client)).containsExactly("live");
    }

    @Test
    void endedSecondFactorChallengesAndNeverConfirmedFactorsGo() throws Throwable {
        Api.Account account = newAccount();
        Api.Tokens session = login(account);
        String stale = dev.keyturn.support.Mfa.enrolTotp(session.accessToken()).then().statusCode(201).extract().path("id");
        String pending = dev.keyturn.support.Mfa.enrolTotp(session.accessToken()).then().statusCode(201).extract().path("id");
        Db.update("update mfa_factors set created_at = now() - interval '2 days' where id = ?::uuid", stale);
        Db.update("insert into mfa_challenges (id, purpose, user_id, created_at, expires_at) values"
                + " (gen_random_uuid(), 'login', ?::uuid, now() - interval '2 days', now() - interval '2 days'),"
                + " (gen_random_uuid(), 'step_up', ?::uuid, now(), now() + interval '5 minutes')", account.id(), account.id());

        VertxContextSupport.subscribeAndAwait(cleanup::run);

        assertThat(Db.column("select id::text from mfa_factors where user_id = ?::uuid", account.id()))
                .containsExactly(pending);
        assertThat(Db.column("select purpose from mfa_challenges where user_id = ?::uuid", account.id()))
                .containsExactly("step_up");
    }

    @Test
    void anIdleSessionWhoseLastTokenExpiredGoesWithIt() throws Throwable {
        Api.Account account = newAccount();
        Api.Tokens idle = login(account);
        Api.Tokens first = login(account);
        String current = Api.refresh(first.refreshToken()).then().statusCode(200).extract().path("refresh_token");
        UUID idleSid = sid(idle);
        UUID liveSid = sid(first);
        // idle for longer than a refresh token lives, but still within the session's absolute cap
        Db.update("update refresh_tokens set expires_at = now() - interval '2 days' where session_id = ?", idleSid);
        // a live session's used token that expired: it goes, the session and its current token stay
        Db.update("update refresh_tokens set expires_at = now() - interval '2 days' where session_id = ?"
                + " and used_at is not null", liveSid);

        VertxContextSupport.subscribeAndAwait(cleanup::run);

        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ?", idleSid)).isZero();
        assertThat(Db.count("select count(*) from sessions where id = ?", idleSid)).isZero();
        assertThat(Db.count("select count(*) from refresh_tokens where session_id = ?", liveSid)).isEqualTo(1);
        Api.refresh(current).then().statusCode(200);
    }

    @Test
    void cleansInBatchesUntilNothingIsLeft() throws Throwable {
        Api.Account account = newAccount();
        Api.Tokens live = login(account);
        for (int i = 0; i < 5; i++) {
            UUID expiredSid = sid(login(account));
            Db.update("update sessions set expires_at = now() - interval '2 days' where id = ?", expiredSid);
            Db.update("update refresh_tokens set expires_at = now() - interval '2 days' where session_id = ?", expiredSid);
        }
        ExpiredDataCleanup inBatchesOfTwo = new ExpiredDataCleanup(pool, Duration.ofDays(1), Duration.ofDays(90),
                Duration.ofDays(90), 2, Duration.ofDays(7), Duration.ofDays(1), Duration.ofMinutes(15));

        ExpiredDataCleanup.Deleted deleted = VertxContextSupport.subscribeAndAwait(inBatchesOfTwo::run);

        assertThat(Db.count("select count(*) from sessions where user_id = ?::uuid", account.id())).isEqualTo(1);
        assertThat(Db.count("select count(*) from refresh_tokens t join sessions s on s.id = t.session_id"
                + " where s.user_id = ?::uuid", account.id())).isEqualTo(1);
        // other test classes may leave expired rows of their own: at least these five went, in batches of two
        assertThat(deleted.rows().get("refresh_tokens")).isGreaterThanOrEqualTo(5);
        assertThat(deleted.rows().get("sessions")).isGreaterThanOrEqualTo(5);
        Api.refresh(live.refreshToken()).then().statusCode(200);
    }

    @Test
    void oldWebhookMessagesLogEntriesFailureWindowsAndTombstonesGo() throws Throwable {
        UUID endpoint = UUID.randomUUID();
        String message = "insert into webhook_messages (id, endpoint_id, event_id, event_type, payload, created_at, status,"
                + " next_attempt_at, finished_at) values (?, ?, gen_random_uuid(), 'user.created', '{}',"
                + " now() - ?::interval, ?, now(), now() - ?::interval)";
        UUID deliveredLongAgo = UUID.randomUUID();
        UUID deliveredYesterday = UUID.randomUUID();
        UUID stalePending = UUID.randomUUID();
        UUID pending = UUID.randomUUID();
        Db.update(message, deliveredLongAgo, endpoint, "9 days", "delivered", "8 days");
        Db.update(message, deliveredYesterday, endpoint, "1 day", "delivered", "1 day");
        Db.update(message, stalePending, endpoint, "9 days", "pending", "0 seconds");
        Db.update(message, pending, endpoint, "1 minute", "pending", "0 seconds");
        String attempt = "insert into webhook_deliveries (id, endpoint_id, message_id, event_id, event_type, attempt,"
                + " attempted_at, duration_ms, outcome) values (?, ?, gen_random_uuid(), gen_random_uuid(), 'user.created',"
                + " 1, now() - ?::interval, 5, 'delivered')";
        UUID oldAttempt = UUID.randomUUID();
        UUID newAttempt = UUID.randomUUID();
        Db.update(attempt, oldAttempt, endpoint, "8 days");
        Db.update(attempt, newAttempt, endpoint, "1 hour");
        UUID endedWindow = UUID.randomUUID();
        UUID openWindow = UUID.randomUUID();
        Db.update("insert into webhook_login_failures (user_id, window_start, failures) values"
                + " (?, now() - interval '20 minutes', 3), (?, now() - interval '1 minute', 3)", endedWindow, openWindow);
        UUID oldTombstone = UUID.randomUUID();
        UUID newTombstone = UUID.randomUUID();
        Db.update("insert into session_tombstones (id, revoked_at) values (?, now() - interval '2 days'), (?, now())",
                oldTombstone, newTombstone);

        VertxContextSupport.subscribeAndAwait(cleanup::run);

        assertThat(Db.column("select id from webhook_messages where endpoint_id = ?", endpoint))
                .containsExactlyInAnyOrder(deliveredYesterday, pending);
        assertThat(Db.column("select id from webhook_deliveries where endpoint_id = ?", endpoint)).containsExactly(newAttempt);
        assertThat(Db.column("select user_id from webhook_login_failures where user_id in (?, ?)", endedWindow, openWindow))
                .containsExactly(openWindow);
        assertThat(Db.column("select id from session_tombstones where id in (?, ?)", oldTombstone, newTombstone))
                .containsExactly(newTombstone);
    }

    /**
     * Finding expired tokens takes an index; deleting one must not look up the sessions (no foreign key points at
     * refresh tokens from sessions), and no index may cover sessions.current_token_id, which every refresh rewrites
     * (an index on it would end HOT updates of the session row).
     */
    @Test
    void theCleanupReadsByIndexAndLeavesTheRefreshPathAlone() {
        assertThat(Db.count("select count(*) from pg_indexes where indexname = 'refresh_tokens_expires_at_idx'"))
                .isEqualTo(1);
        assertThat(Db.count("select count(*) from pg_constraint where conrelid = 'sessions'::regclass"
                + " and confrelid = 'refresh_tokens'::regclass")).isZero();
        assertThat(Db.count("select count(*) from pg_indexes where tablename = 'sessions'"
                + " and indexdef like '%current_token_id%'")).isZero();
    }

    private static UUID sid(Api.Tokens tokens) {
        return UUID.fromString((String) Jwts.claims(tokens.refreshToken()).get("sid"));
    }
}
