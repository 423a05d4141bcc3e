package dev.keyturn.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import dev.keyturn.support.LoginTimes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code KEYTURN_PASSWORD_HASH_SCHEME=argon2id}: new passwords are Argon2id PHC strings at the configured parameters,
 * accounts hashed before the switch keep logging in and move to Argon2id at their next login, and an unknown email
 * still costs what a wrong password costs (the decoy is an Argon2id hash too).
 */
@QuarkusTest
@TestProfile(Argon2SchemeProfile.class)
class Argon2SchemeTest {

    private static String storedHash(String id) {
        return (String) Db.single("select password_hash from users where id = ?::uuid", id);
    }

    @Test
    void aNewPasswordIsAnArgon2idHashAtTheConfiguredParameters() {
        Api.Account account = Api.newAccount();
        assertThat(storedHash(account.id())).matches("^\\$argon2id\\$v=19\\$m=7168,t=5,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$");
        Api.login(account);
        Api.login(account.email(), account.password() + "x").then().statusCode(401);
        assertThat(storedHash(account.id())).as("current: not made again").startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
    }

    @Test
    void anAccountHashedWithBcryptBeforeTheSwitchLogsInAndMovesToArgon2id() {
        Api.Account account = Api.newAccount();
        // as Keyturn stored it before: its own bcrypt-sha256, a bare bcrypt string
        String bcrypt = TestHashes.keyturnBcrypt(account.password(), 4).substring("{bcrypt-sha256}".length());
        Db.update("update users set password_hash = ? where id = ?::uuid", bcrypt, account.id());

        Api.login(account.email(), account.password() + "!").then().statusCode(401);
        assertThat(storedHash(account.id())).isEqualTo(bcrypt);
        Api.login(account);
        assertThat(storedHash(account.id())).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
        Api.login(account);
    }

    /** As security/EnumerationTest, with Argon2id: both paths run one Argon2id check (milliseconds, not one). */
    @Test
    void anUnknownEmailTakesAsLongAsAWrongPassword() {
        LoginTimes.Medians medians = LoginTimes.of(Api.newAccount().email(), Api.uniqueName("ghost") + "@example.com", 20);
        assertThat(medians.difference() < 0.5 * medians.larger()).as(medians.toString()).isTrue();
    }
}
