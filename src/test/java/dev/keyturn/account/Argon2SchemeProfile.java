package dev.keyturn.account;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** New hashes in Argon2id at the shipped parameters (OWASP's 7 MiB, t=5, p=1 row), for {@link Argon2SchemeTest}. */
public class Argon2SchemeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("keyturn.passwords.hash-scheme", "argon2id");
    }
}
