package dev.keyturn.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
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

    /** As security/EnumerationTest, with Argon2id: both paths run one Argon2id check. */
    @Test
    void anUnknownEmailTakesAsLongAsAWrongPassword() {
        Api.Account account = Api.newAccount();
        String unknown = Api.uniqueName("ghost") + "@example.com";
        for (int i = 0; i < 5; i++) {
            Api.login(account.email(), "warm up wrong password");
            Api.login(unknown, "warm up wrong password");
        }
        List<Long> known = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            known.add(timed(account.email()));
            missing.add(timed(unknown));
        }
        double knownMedian = median(known) / 1e6;
        double missingMedian = median(missing) / 1e6;
        double difference = Math.abs(knownMedian - missingMedian);
        assertThat(difference < 0.5 * Math.max(knownMedian, missingMedian))
                .as("median wrong-password %.1f ms vs unknown-email %.1f ms", knownMedian, missingMedian).isTrue();
        assertThat(Math.min(knownMedian, missingMedian)).as("each path does a real Argon2id check").isGreaterThan(3);
    }

    private static long timed(String email) {
        long start = System.nanoTime();
        Api.login(email, "a wrong password").then().statusCode(401);
        return System.nanoTime() - start;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
