package dev.keyturn.webhook;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** {@code keyturn.webhooks.*}: every value is bound, with its default, in application.properties (.env.example). */
@ConfigMapping(prefix = "keyturn.webhooks")
public interface WebhookConfig {

    /** Whether this replica sends webhooks; every replica writes the outbox either way. */
    boolean delivery();

    /**
     * Whether endpoints may be (or resolve to) loopback, private, link-local or similar addresses. Off in production:
     * an admin's URL must not let Keyturn reach the services beside it (SSRF); on in dev and tests.
     */
    boolean allowPrivateAddresses();

    /** Longest time one attempt may take, connection included. */
    Duration timeout();

    /** Most attempts in flight on this replica. */
    int concurrency();

    /** How often this replica looks for due messages besides the wake-up after each commit. */
    Duration pollInterval();

    /** The first retry's delay; each next one doubles, up to {@link #retryMaxDelay()}, with jitter. */
    Duration retryBaseDelay();

    Duration retryMaxDelay();

    /** How long after the event a message is tried; then it is marked failed. */
    Duration retryPeriod();

    /** How long delivered and failed messages and the delivery log are kept. */
    Duration retention();

    /** The failed login of one account that emits login.failed_burst, counting within the window; 0 = never. */
    int failedLoginBurst();

    Duration failedLoginWindow();
}
