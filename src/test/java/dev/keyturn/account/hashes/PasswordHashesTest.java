package dev.keyturn.account.hashes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The stored and imported hash formats (docs/api.md "Password hash formats"), each checked against hashes made by
 * other implementations ({@link TestHashes}) or published by them, and each refusing what it must refuse.
 */
class PasswordHashesTest {

    private static final String PASSWORD = "imported passphrase 7 ünï";
    private static final Argon2Memory MEMORY = Argon2Memory.none();

    private static boolean matches(PasswordHash hash, String password) {
        return hash.matches(password, MEMORY);
    }

    /** Stored form and back: what login reads is what the import stored. */
    private static PasswordHash stored(PasswordHash imported) throws UnreadableHashException {
        PasswordHash read = StoredHashes.read(imported.stored());
        assertThat(read.scheme()).isEqualTo(imported.scheme());
        assertThat(read.stored()).isEqualTo(imported.stored());
        return read;
    }

    @Test
    void plainBcryptOfEachVersionVerifiesAndIsStoredWithItsPrefix() throws Exception {
        for (String version : new String[] { "2a", "2b", "2y" }) {
            PasswordHash hash = ImportedHashes.fromString(TestHashes.plainBcrypt(version, PASSWORD, 4));
            assertThat(hash.scheme()).isEqualTo(HashScheme.BCRYPT);
            assertThat(hash.stored()).startsWith("{bcrypt}$" + version + "$04$");
            PasswordHash read = stored(hash);
            assertThat(matches(read, PASSWORD)).as(version).isTrue();
            assertThat(matches(read, PASSWORD + "x")).as(version).isFalse();
        }
        // Spring's DelegatingPasswordEncoder writes the same with its {bcrypt} prefix
        assertThat(ImportedHashes.fromString("{bcrypt}" + TestHashes.plainBcrypt("2a", PASSWORD, 4)).scheme())
                .isEqualTo(HashScheme.BCRYPT);
    }

    @Test
    void plainBcryptMatchesAPublishedVector() throws Exception {
        // crypt_blowfish's test vector, which OpenBSD's, Node's and Spring's bcrypt all reproduce
        PasswordHash hash = ImportedHashes.fromString("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        assertThat(matches(hash, "U*U")).isTrue();
        assertThat(matches(hash, "U*u")).isFalse();
    }

    @Test
    void plainBcryptReadsSeventyTwoBytesAsItsMakersDoButKeyturnsOwnReadsEveryByte() throws Exception {
        String first72 = "x".repeat(72);
        PasswordHash plain = ImportedHashes.fromString(TestHashes.plainBcrypt("2b", first72 + "tail one", 4));
        assertThat(matches(plain, first72 + "tail two")).as("bcrypt itself ignores bytes past the 72nd").isTrue();

        PasswordHash own = KeyturnBcrypt.create(first72 + "tail one", 4);
        assertThat(matches(own, first72 + "tail one")).isTrue();
        assertThat(matches(own, first72 + "tail two")).as("bcrypt-sha256 counts every byte").isFalse();
    }

    @Test
    void aBareBcryptStringStoredIsKeyturnsOwnAndAnImportNamesItWithItsPrefix() throws Exception {
        PasswordHash own = KeyturnBcrypt.create(PASSWORD, 4);
        assertThat(own.stored()).matches("^\\$2a\\$04\\$.{53}$");
        assertThat(StoredHashes.read(own.stored()).scheme()).isEqualTo(HashScheme.BCRYPT_SHA256);
        assertThat(matches(StoredHashes.read(own.stored()), PASSWORD)).isTrue();

        PasswordHash imported = ImportedHashes.fromString(TestHashes.keyturnBcrypt(PASSWORD, 4));
        assertThat(imported.scheme()).isEqualTo(HashScheme.BCRYPT_SHA256);
        assertThat(imported.stored()).as("stored bare, as Keyturn always has").startsWith("$2a$04$");
        assertThat(matches(stored(imported), PASSWORD)).isTrue();
        // the same string without the prefix is somebody's plain bcrypt, which the prehash does not match
        assertThat(matches(ImportedHashes.fromString(imported.stored()), PASSWORD)).isFalse();
    }

    @Test
    void argon2idMatchesLibsodiumsPublishedExample() throws Exception {
        // the example output of PHP's sodium_crypto_pwhash_str('password', …) in the PHP manual: libsodium's Argon2id
        PasswordHash hash = ImportedHashes.fromString(
                "$argon2id$v=19$m=65536,t=2,p=1$oWIfdaXwWwhVmovOBc2NAQ$EbsZ+JnZyyavkafS0hoc4HdaOB0ILWZESAZ7kVGa+Iw");
        assertThat(hash.scheme()).isEqualTo(HashScheme.ARGON2ID);
        assertThat(matches(stored(hash), "password")).isTrue();
        assertThat(matches(hash, "Password")).isFalse();
    }

    @Test
    void argon2idPhcStringsRoundTripAndVerifyWithReusedMemory() throws Exception {
        PasswordHash hash = ImportedHashes.fromString(TestHashes.argon2idPhc(PASSWORD, 256, 2, 2));
        Argon2Memory reused = Argon2Memory.reusing(512);
        for (int i = 0; i < 3; i++) {
            assertThat(stored(hash).matches(PASSWORD, reused)).isTrue();
            assertThat(hash.matches(PASSWORD + " ", reused)).isFalse();
        }
        PasswordHash made = Argon2idHash.create(PASSWORD, 7168, 5, 1, new SecureRandom(), reused);
        assertThat(made.stored()).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
        assertThat(stored(made).matches(PASSWORD, reused)).isTrue();
    }

    @Test
    void keycloakPbkdf2CredentialsVerify() throws Exception {
        for (String algorithm : new String[] { "pbkdf2-sha256", "pbkdf2-sha512" }) {
            TestHashes.KeycloakShape shape = TestHashes.keycloakPbkdf2(algorithm, PASSWORD, 1000);
            PasswordHash hash = keycloak(shape);
            assertThat(hash.scheme().tag()).isEqualTo(algorithm);
            assertThat(hash.stored()).startsWith("$" + algorithm + "$i=1000$");
            assertThat(matches(stored(hash), PASSWORD)).as(algorithm).isTrue();
            assertThat(matches(hash, PASSWORD.toUpperCase())).as(algorithm).isFalse();
        }
    }

    @Test
    void keycloakArgon2CredentialsVerify() throws Exception {
        PasswordHash hash = keycloak(TestHashes.keycloakArgon2(PASSWORD, 7168, 5));
        assertThat(hash.stored()).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
        assertThat(matches(stored(hash), PASSWORD)).isTrue();
        assertThat(matches(hash, "")).isFalse();
    }

    private static PasswordHash keycloak(TestHashes.KeycloakShape shape) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode secret = json.readTree(shape.secretData());
        JsonNode data = json.readTree(shape.credentialData());
        Map<String, String> parameters = new java.util.HashMap<>();
        data.path("additionalParameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().path(0).asText()));
        return ImportedHashes.fromKeycloak(data.path("algorithm").asText(), data.path("hashIterations").asInt(), parameters,
                secret.path("salt").asText(), secret.path("value").asText());
    }

    @Test
    void hashesThatWouldMakeLoginsCostlyOrAreNotUnderstoodAreRefusedWithAReasonThatDoesNotRepeatThem() {
        String[] refused = {
                "$2a$15$" + "a".repeat(53), // bcrypt cost over 14
                "$2a$10$short",
                "$2x$10$" + "a".repeat(53), // crypt_blowfish's buggy variant
                "$argon2id$v=19$m=131072,t=2,p=1$c29tZXNhbHQxMjM0$" + "A".repeat(43), // 128 MiB
                "$argon2id$v=19$m=7168,t=50,p=1$c29tZXNhbHQxMjM0$" + "A".repeat(43),
                "$argon2i$v=19$m=7168,t=5,p=1$c29tZXNhbHQxMjM0$" + "A".repeat(43),
                "$argon2id$v=19$m=7168,t=5,p=1$not*base64$" + "A".repeat(43),
                "$pbkdf2-sha256$i=5000000$c29tZXNhbHQxMjM0$" + "A".repeat(43),
                "$pbkdf2-sha1$i=1000$c29tZXNhbHQxMjM0$" + "A".repeat(27),
                "$pbkdf2-sha256$29000$N2ZPT.X/X/QAjgEaB0qXJA$Cqk9KW3lpb6JaomMJOsaRn38xtlZoaMk6pZHJZ0GLPQ", // passlib's own
                "md5:5f4dcc3b5aa765d61d8327deb882cf99",
                "" };
        for (String hash : refused) {
            assertThatThrownBy(() -> ImportedHashes.fromString(hash)).as(hash).isInstanceOf(UnreadableHashException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("A".repeat(20)).doesNotContain("c29tZXNhbHQ"));
        }
        assertThatThrownBy(() -> ImportedHashes.fromKeycloak("pbkdf2", 27500, Map.of(), "c29tZXNhbHQxMjM0", "AAAA"))
                .hasMessageContaining("pbkdf2");
        assertThatThrownBy(() -> ImportedHashes.fromKeycloak("argon2", 5, Map.of("type", "i"), "c29tZXNhbHQxMjM0",
                "A".repeat(43))).hasMessageContaining("type");
    }

    @Test
    void onlyTheConfiguredSchemeWithTheConfiguredParametersIsCurrent() throws Exception {
        HashSettings bcrypt10 = new HashSettings(HashScheme.BCRYPT_SHA256, 10, 7168, 5, 1);
        HashSettings argon2 = new HashSettings(HashScheme.ARGON2ID, 10, 256, 2, 1);
        PasswordHash own4 = KeyturnBcrypt.create(PASSWORD, 4);
        PasswordHash argon = argon2.create(PASSWORD, new SecureRandom(), MEMORY);
        assertThat(bcrypt10.isCurrent(own4)).as("another cost").isFalse();
        assertThat(bcrypt10.isCurrent(StoredHashes.read(own4.stored().replace("$04$", "$10$")))).isTrue();
        assertThat(bcrypt10.isCurrent(argon)).isFalse();
        assertThat(argon2.isCurrent(argon)).isTrue();
        assertThat(argon2.isCurrent(own4)).isFalse();
        assertThat(new HashSettings(HashScheme.ARGON2ID, 10, 512, 2, 1).isCurrent(argon)).as("other memory").isFalse();
        assertThat(argon2.isCurrent(ImportedHashes.fromString(TestHashes.plainBcrypt("2a", PASSWORD, 10)))).isFalse();
        assertThatThrownBy(() -> new HashSettings(HashScheme.PBKDF2_SHA256, 10, 7168, 5, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HashScheme.configured("scrypt")).hasMessageContaining("KEYTURN_PASSWORD_HASH_SCHEME");
        assertThat(HashScheme.configured("bcrypt")).isEqualTo(HashScheme.BCRYPT_SHA256);
    }
}
