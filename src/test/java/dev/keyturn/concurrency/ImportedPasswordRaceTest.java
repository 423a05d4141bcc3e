package dev.keyturn.concurrency;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.keyturn.account.LoginPasswords;
import dev.keyturn.account.User;
import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;

/**
 * The re-hash of an imported password at login (account/LoginPasswords) against a password change of the same account:
 * the re-hash writes only over the very hash it checked, so it never undoes a change, whatever the order.
 */
@QuarkusTest
class ImportedPasswordRaceTest {

    private static final String OLD = "imported from the node app 11";
    private static final String NEW = "chosen after the import 12";
    private static final int LOGINS = 20;

    @Inject
    LoginPasswords loginPasswords;

    private static String adminToken;

    private static String admin() {
        if (adminToken == null) {
            adminToken = Api.adminToken();
        }
        return adminToken;
    }

    /** An imported account with a plain bcrypt hash (not the configured scheme, so its first login re-hashes). */
    private static Api.Account imported() {
        String username = Api.uniqueName("race");
        String email = username + "@race.example.com";
        String body = "{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"email_verified\":true,"
                + "\"password_hash\":\"" + TestHashes.plainBcrypt("2b", OLD, 4) + "\"}\n";
        given().auth().oauth2(admin()).contentType("application/x-ndjson").body(body.getBytes())
                .post("/admin/users/import").then().statusCode(200);
        String id = Db.single("select id from users where email = ?", email).toString();
        return new Api.Account(id, username, email, OLD);
    }

    private static String storedHash(Api.Account account) {
        return (String) Db.single("select password_hash from users where id = ?::uuid", account.id());
    }

    @Test
    void aReHashThatCheckedTheOldHashLeavesAPasswordChangeMadeMeanwhile() throws Throwable {
        Api.Account account = imported();
        // the login's view of the account, read before the change
        User seenByLogin = new User();
        seenByLogin.id = UUID.fromString(account.id());
        seenByLogin.passwordHash = storedHash(account);

        String session = Api.login(account).accessToken(); // this login re-hashes the import: change from the new hash
        String beforeChange = storedHash(account);
        given().auth().oauth2(session).contentType(ContentType.JSON)
                .body(Map.of("current_password", OLD, "new_password", NEW)).put("/users/me/password")
                .then().statusCode(204);
        String changed = storedHash(account);
        assertThat(changed).isNotEqualTo(beforeChange);

        // the late login's check passes against the hash it read, then its re-hash writes over that hash: nothing
        Boolean matched = VertxContextSupport.subscribeAndAwait(() -> loginPasswords.check(seenByLogin, OLD));
        assertThat(matched).isTrue();
        assertThat(storedHash(account)).as("the change stands").isEqualTo(changed);
        Api.login(account.email(), NEW).then().statusCode(200);
        Api.login(account.email(), OLD).then().statusCode(401);
    }

    /**
     * Tens of logins with the imported password fired at once with a change of it: whichever way each interleaving
     * goes, exactly one password remains, and it is the change's if the change answered 204.
     */
    @Test
    void loginsRacingAPasswordChangeOfAnImportedAccountNeverUndoIt() {
        for (int round = 0; round < 3; round++) {
            Api.Account account = imported();
            String session = Api.login(account.email(), OLD).then().statusCode(200).extract().path("access_token");
            // back to the imported hash, so that every login of the burst has a re-hash to make
            Db.update("update users set password_hash = ? where id = ?::uuid",
                    "{bcrypt}" + TestHashes.plainBcrypt("2b", OLD, 4), account.id());

            List<Supplier<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < LOGINS; i++) {
                tasks.add(() -> Api.login(account.email(), OLD).statusCode());
            }
            tasks.add(LOGINS / 2, () -> given().auth().oauth2(session).contentType(ContentType.JSON)
                    .body(Map.of("current_password", OLD, "new_password", NEW)).put("/users/me/password").statusCode());
            List<Integer> statuses = Parallel.run(tasks);
            int change = statuses.remove(LOGINS / 2);
            System.out.printf("RACE round %d: change %d, logins %s%n", round, change, statuses);

            assertThat(change).as("the change: done, or refused because a re-hash replaced the hash it checked").isIn(204, 401);
            assertThat(statuses).as("logins with the old password, before or after the change").isSubsetOf(200, 401);
            int newPassword = Api.login(account.email(), NEW).statusCode();
            int oldPassword = Api.login(account.email(), OLD).statusCode();
            if (change == 204) {
                assertThat(newPassword).as("round %d: the change stands", round).isEqualTo(200);
                assertThat(oldPassword).as("round %d: no re-hash brought the old password back", round).isEqualTo(401);
            } else {
                assertThat(oldPassword).as("round %d", round).isEqualTo(200);
                assertThat(newPassword).as("round %d", round).isEqualTo(401);
            }
            assertThat(storedHash(account)).as("round %d: the hash is in the configured scheme", round)
                    .matches("^\\$2a\\$04\\$.{53}$");
        }
    }
}
