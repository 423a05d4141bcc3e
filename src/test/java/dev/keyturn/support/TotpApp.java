package dev.keyturn.support;

import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.codec.binary.Base32;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

/**
 * An authenticator app, as a test's user has one: it reads the base32 secret Keyturn showed at enrolment and makes
 * RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s), independently of the service's own code. A code is good once, so it
 * hands out each time step at most once: the current step's, or the next one's (which the service accepts, one step
 * of drift), waiting for time to move on only when both were used.
 */
public final class TotpApp {

    private static final Duration STEP = Duration.ofSeconds(30);

    private final byte[] secret;
    private final TimeBasedOneTimePasswordGenerator generator = new TimeBasedOneTimePasswordGenerator(STEP, 6);
    private long lastStep = Long.MIN_VALUE;

    public TotpApp(String base32Secret) {
        this.secret = new Base32().decode(base32Secret);
    }

    /** A code the service has not seen yet. */
    public synchronized String nextCode() {
        while (true) {
            long now = Instant.now().getEpochSecond() / STEP.toSeconds();
            long step = Math.max(now, lastStep + 1);
            if (step <= now + 1) {
                lastStep = step;
                return codeAt(step);
            }
            sleepUntil((now + 1) * STEP.toSeconds());
        }
    }

    /** The code of the step the last {@link #nextCode} was for: a replay. */
    public synchronized String lastCode() {
        return codeAt(lastStep);
    }

    /** The code of a step far from now, which no clock drift explains. */
    public String codeAt(long step) {
        try {
            return generator.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"),
                    Instant.ofEpochSecond(step * STEP.toSeconds()), Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long currentStep() {
        return Instant.now().getEpochSecond() / STEP.toSeconds();
    }

    private static void sleepUntil(long epochSecond) {
        long millis = epochSecond * 1000 - System.currentTimeMillis() + 50;
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
