package dev.keyturn.web;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start when X-Forwarded-For is honoured from anyone: with proxy-address-forwarding on and no
 * trusted proxies, Quarkus would believe the header from every client, and every rate limit keyed by
 * address would be the client's to choose.
 */
@ApplicationScoped
public class TrustedProxies {

    private static final Logger LOG = Logger.getLogger(TrustedProxies.class);

    private final boolean forwarding;
    private final Optional<List<String>> trusted;

    public TrustedProxies(@ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding") boolean forwarding,
            @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trusted) {
        this.forwarding = forwarding;
        this.trusted = trusted;
    }

    void check(@Observes StartupEvent event) {
        if (!forwarding) {
            return;
        }
        if (trusted.isEmpty() || trusted.get().isEmpty()) {
            throw new IllegalStateException("KEYTURN_PROXY_ADDRESS_FORWARDING is on but KEYTURN_TRUSTED_PROXIES is empty: "
                    + "name the addresses (or CIDRs) of the reverse proxies whose X-Forwarded-For may be believed");
        }
        LOG.infof("client addresses are taken from X-Forwarded-For sent by %s", trusted.get());
    }
}
