package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Production refuses to start without keys, and says which variables to set. */
class KeyRingTest {

    record Keys(Optional<String> signingKey, Optional<String> refreshTokenSecret, boolean generateIfMissing)
            implements KeyConfig {
        @Override
        public String signingAlgorithm() {
            return "RS256";
        }

        @Override
        public Optional<List<String>> previousVerificationKeys() {
            return Optional.empty();
        }
    }

    @Test
    void withoutKeysAndWithoutGenerationItRefusesToStartNamingTheVariables() {
        assertThatThrownBy(() -> new KeyRing(new Keys(Optional.empty(), Optional.empty(), false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KEYTURN_SIGNING_KEY")
                .hasMessageContaining("KEYTURN_REFRESH_TOKEN_SECRET");
    }

    @Test
    void aShortRefreshSecretIsRefused() {
        assertThatThrownBy(() -> new KeyRing(new Keys(Optional.empty(), Optional.of("c2hvcnQ="), true)))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void generatedKeysAreNamedByTheirThumbprint() {
        KeyRing ring = new KeyRing(new Keys(Optional.empty(), Optional.empty(), true));
        assertThat(ring.signingKeyId()).isEqualTo(KeyRing.thumbprint(ring.verificationKeys().get(0).key()));
        assertThat(ring.verificationKeys()).hasSize(1);
    }
}
