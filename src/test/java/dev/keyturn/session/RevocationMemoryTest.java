package dev.keyturn.session;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.logout;
import static dev.keyturn.support.Api.me;
import static dev.keyturn.support.Api.newAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import dev.keyturn.token.RevokedSessions;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The in-memory revocation list is fed by PostgreSQL NOTIFY (from any replica) and reloaded from the
 * database on (re)start, so revocations survive restarts and reach replicas that did not make them.
 */
@QuarkusTest
class RevocationMemoryTest {

    @Inject
    RevokedSessions revokedSessions;

    @Inject
    RevocationListener listener;

    @Test
    void aRevocationCommittedByAnotherReplicaArrivesByNotify() {
        Api.Tokens tokens = login(newAccount());
        String sid = (String) Jwts.claims(tokens.accessToken()).get("sid");
        // what another replica does: revoke in the database and notify, in one transaction
        Db.single("with revoked as (update sessions set revoked_at = now(), revoked_reason = 'test' where id = ?::uuid "
                + "returning id) select pg_notify('keyturn_session_revoked', string_agg(id::text, ',')) from revoked", sid);
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> revokedSessions.isRevoked(sid));
        me(tokens.accessToken()).then().statusCode(401);
    }

    @Test
    void recentRevocationsAreReloadedFromTheDatabase() {
        Api.Tokens tokens = login(newAccount());
        String sid = (String) Jwts.claims(tokens.accessToken()).get("sid");
        // revoked while this replica was not listening (no NOTIFY), e.g. before a restart
        Db.update("update sessions set revoked_at = now(), revoked_reason = 'test' where id = ?::uuid", sid);
        assertThat(revokedSessions.isRevoked(sid)).isFalse();
        int loaded = listener.reload().await().atMost(Duration.ofSeconds(5));
        assertThat(loaded).isPositive();
        assertThat(revokedSessions.isRevoked(sid)).isTrue();
        me(tokens.accessToken()).then().statusCode(401);
    }

    @Test
    void oldRevocationsAreNotKeptForever() {
        String sid = UUID.randomUUID().toString();
        revokedSessions.add(sid, System.currentTimeMillis() - revokedSessions.retention().toMillis() - 1000);
        assertThat(revokedSessions.isRevoked(sid)).isFalse();
    }

    @Test
    void logoutRevokesOnThisReplicaImmediately() {
        Api.Tokens tokens = login(newAccount());
        logout(Map.of("refresh_token", tokens.refreshToken())).then().statusCode(204);
        me(tokens.accessToken()).then().statusCode(401);
    }
}
