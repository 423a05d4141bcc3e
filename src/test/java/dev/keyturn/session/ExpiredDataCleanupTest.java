package dev.keyturn.session;

import static dev.keyturn.support.Api.login;
import static dev.keyturn.support.Api.newAccount;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Jwts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** The scheduled job deletes what can no longer be used, and nothing that still can. */
@QuarkusTest
class ExpiredDataCleanupTest {

    @Inject
    ExpiredDataCleanup cleanup;

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

    private static UUID sid(Api.Tokens tokens) {
        return UUID.fromString((String) Jwts.claims(tokens.refreshToken()).get("sid"));
    }
}
