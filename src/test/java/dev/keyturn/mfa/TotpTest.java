package dev.keyturn.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** {@link Totp} against RFC 6238's own test vectors (appendix B, SHA-1, the last 6 of its 8 digits). */
class TotpTest {

    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private final Totp totp = new Totp();

    @Test
    void codesAreThoseOfRfc6238AppendixB() {
        assertThat(totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
        assertThat(totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
        assertThat(totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111111)))).isEqualTo("050471");
        assertThat(totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1234567890)))).isEqualTo("005924");
        assertThat(totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(2000000000)))).isEqualTo("279037");
    }

    @Test
    void aCodeMatchesItsStepAndOneStepEitherSideOnly() {
        Instant now = Instant.ofEpochSecond(1234567890);
        long step = Totp.step(now);
        assertThat(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step), now)).hasValue(step);
        assertThat(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step - 1), now)).hasValue(step - 1);
        assertThat(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step + 1), now)).hasValue(step + 1);
        assertThat(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step - 2), now)).isEmpty();
        assertThat(totp.matchingStep(RFC_SECRET, totp.code(RFC_SECRET, step + 2), now)).isEmpty();
    }

    @Test
    void onlySixDigitsAreACode() {
        Instant now = Instant.ofEpochSecond(59);
        assertThat(totp.matchingStep(RFC_SECRET, "28708", now)).isEmpty();
        assertThat(totp.matchingStep(RFC_SECRET, "2870822", now)).isEmpty();
        assertThat(totp.matchingStep(RFC_SECRET, "28708a", now)).isEmpty();
        assertThat(totp.matchingStep(RFC_SECRET, null, now)).isEmpty();
    }

    @Test
    void theKeyUriIsWhatAuthenticatorAppsRead() {
        assertThat(Totp.keyUri("Acme Corp", "ada@example.com", RFC_SECRET)).isEqualTo("otpauth://totp/Acme%20Corp:"
                + "ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Corp&algorithm=SHA1&digits=6"
                + "&period=30");
    }
}
