package dev.keyturn.web;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.Problem;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Stops taking new work once a graceful shutdown drains, so that no accepted request is cut off.
 * <p>
 * On SIGTERM Quarkus marks readiness DOWN and keeps serving for {@code quarkus.shutdown.delay} (time for a
 * load balancer to stop sending), then waits up to {@code quarkus.shutdown.timeout} for the requests in
 * flight, while its listener still accepts connections. Under steady traffic those new requests would keep
 * the count of requests in flight from reaching zero, and the ones that arrive as it does would be cut off
 * when the application stops under them. From the end of the delay on, this filter therefore answers every
 * new request at once with 503 {@code unavailable}, {@code Retry-After: 1} and {@code Connection: close}
 * without doing any of its work, so a client can retry it elsewhere; requests already in flight finish.
 * Needs {@code quarkus.shutdown.delay-enabled=true} (the event that starts it).
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    /** Before every other filter: a draining instance does nothing for a new request. */
    static final int PRIORITY = 20_000;

    private final Duration delay;
    private final String refusal;
    private volatile boolean shuttingDown;
    private volatile long refuseFrom;

    public GracefulShutdown(@ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
            ObjectMapper mapper) throws JsonProcessingException {
        this.delay = delay.orElse(Duration.ZERO);
        this.refusal = mapper.writeValueAsString(
                Problem.of(ErrorCode.UNAVAILABLE, "The service is shutting down. Try again."));
    }

    void onShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        refuseFrom = System.nanoTime() + delay.toNanos();
        shuttingDown = true;
        LOG.infof("shutting down: new requests are refused with 503 after %d ms; requests in flight finish",
                delay.toMillis());
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    private void filter(RoutingContext context) {
        if (shuttingDown && System.nanoTime() - refuseFrom >= 0) {
            context.response().setStatusCode(503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.RETRY_AFTER, "1")
                    .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                    .end(refusal);
            return;
        }
        context.next();
    }
}
