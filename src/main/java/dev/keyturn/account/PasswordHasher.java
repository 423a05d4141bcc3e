package dev.keyturn.account;

import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.account.hashes.Argon2Memory;
import dev.keyturn.account.hashes.HashScheme;
import dev.keyturn.account.hashes.HashSettings;
import dev.keyturn.account.hashes.PasswordHash;
import dev.keyturn.account.hashes.StoredHashes;
import dev.keyturn.account.hashes.UnreadableHashException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Password hashing, on {@link PasswordWorkers} so that it never blocks an event loop: new hashes in the configured
 * scheme ({@code KEYTURN_PASSWORD_HASH_SCHEME}: Keyturn's bcrypt-sha256 through Elytron's BcryptUtil, or Argon2id),
 * checks against a stored hash in any supported scheme ({@code account/hashes}). Each hash and check is timed by
 * scheme ({@value #TIMER}).
 */
@ApplicationScoped
@Startup // its timers are in /q/metrics from the start; the constructor hashes nothing (see decoy)
public class PasswordHasher {

    /** Prometheus: {@code keyturn_password_hashing_seconds_count|sum|max{scheme, operation}}. */
    static final String TIMER = "keyturn.password.hashing";
    private static final Logger LOG = Logger.getLogger(PasswordHasher.class);

    private final HashSettings settings;
    private final PasswordWorkers workers;
    private final Argon2Memory memory;
    /** Per bean, made at run time: a SecureRandom made at build time would be frozen into a native image. */
    private final SecureRandom random = new SecureRandom();
    private final Map<HashScheme, Timer> hashTimers = new EnumMap<>(HashScheme.class);
    private final Map<HashScheme, Timer> verifyTimers = new EnumMap<>(HashScheme.class);
    /**
     * Checked against when the account does not exist, so that an unknown email costs what a known one costs in the
     * configured scheme. Made on first need, on a password thread: made in the constructor, it was a hash on the event
     * loop of the first request after a start, with the other event loops waiting for the bean meanwhile (the 503s of
     * ColdStartBurstIT).
     */
    private volatile PasswordHash decoy;

    public PasswordHasher(PasswordConfig config, PasswordWorkers workers, MeterRegistry registry) {
        this.settings = new HashSettings(HashScheme.configured(config.hashScheme()), config.bcryptCost(),
                config.argon2MemoryKib(), config.argon2Iterations(), config.argon2Parallelism());
        this.workers = workers;
        this.memory = settings.argon2Blocks() > 0 ? Argon2Memory.reusing(settings.argon2Blocks() * workers.threads())
                : Argon2Memory.none();
        for (HashScheme scheme : HashScheme.values()) {
            verifyTimers.put(scheme, timer(registry, scheme, "verify"));
        }
        hashTimers.put(settings.scheme(), timer(registry, settings.scheme(), "hash"));
    }

    private static Timer timer(MeterRegistry registry, HashScheme scheme, String operation) {
        return Timer.builder(TIMER).description("Time of one password hash or check on a password worker thread")
                .tag("scheme", scheme.tag()).tag("operation", operation).register(registry);
    }

    /** @return the stored form of a new hash of {@code password} in the configured scheme */
    public Uni<String> hash(String password) {
        return workers.run(() -> newHash(password).stored());
    }

    /**
     * @param stored the stored hash, or {@code null} when there is no account: the answer is then {@code false}, after
     *        the same work as a check in the configured scheme
     */
    public Uni<Boolean> matches(String password, String stored) {
        String candidate = password == null ? "" : password;
        return workers.run(() -> {
            PasswordHash hash = stored == null ? null : readable(stored);
            if (hash == null) {
                PasswordHash decoyHash = decoy();
                timed(verifyTimers.get(decoyHash.scheme()), () -> decoyHash.matches(candidate, memory));
                return false;
            }
            return timed(verifyTimers.get(hash.scheme()), () -> hash.matches(candidate, memory));
        });
    }

    /** Whether {@code stored} is in the configured scheme with the configured parameters; if not, a login replaces it. */
    public boolean isCurrent(String stored) {
        PasswordHash hash = readable(stored);
        return hash == null || settings.isCurrent(hash);
    }

    public HashScheme configuredScheme() {
        return settings.scheme();
    }

    private PasswordHash newHash(String password) throws Exception {
        return timed(hashTimers.get(settings.scheme()), () -> settings.create(password, random, memory));
    }

    private static PasswordHash readable(String stored) {
        try {
            return StoredHashes.read(stored);
        } catch (UnreadableHashException e) {
            // Never the hash itself in the log. Such a row cannot log in; it takes the decoy's time, like no account.
            LOG.warnf("a stored password hash is unreadable (%s): its account cannot log in", e.getMessage());
            return null;
        }
    }

    private PasswordHash decoy() throws Exception {
        PasswordHash made = decoy;
        if (made == null) {
            // Two threads may both make one; either is as good, and neither runs on an event loop.
            made = newHash("keyturn decoy password");
            decoy = made;
        }
        return made;
    }

    private static <T> T timed(Timer timer, Callable<T> work) throws Exception {
        return timer.recordCallable(work);
    }
}
