package dev.keyturn.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;

/**
 * Where webhooks may go. A URL is http or https, with a host, without credentials or fragment. And unless
 * {@code KEYTURN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES} is on (dev and tests, whose receivers listen on 127.0.0.1), the host
 * must not be, or resolve to, an address that only makes sense inside the deployment: loopback, private (RFC 1918,
 * fc00::/7), carrier-grade NAT, link-local (the cloud metadata service at 169.254.169.254), unspecified or multicast.
 * An admin account that fell into the wrong hands could otherwise make Keyturn send requests to the services beside
 * it and read their status codes in the delivery log (server-side request forgery).
 * <p>
 * The check runs when an endpoint is registered, and again at every attempt, where the request then goes to exactly
 * the address that was checked: a DNS name that resolves elsewhere later (DNS rebinding) gains nothing.
 */
@ApplicationScoped
public class Destinations {

    private final Vertx vertx;
    private final boolean allowPrivate;

    public Destinations(Vertx vertx, WebhookConfig config) {
        this.vertx = vertx;
        this.allowPrivate = config.allowPrivateAddresses();
    }

    /**
     * The URL of an endpoint being registered, normalised; a 400 problem when it is not one webhooks may go to.
     * Resolving a name (when private addresses are refused) runs on a worker thread.
     */
    public Uni<String> checkForRegistration(String url) {
        URI uri = parse(url);
        if (allowPrivate) {
            return Uni.createFrom().item(uri.toString());
        }
        return resolve(uri.getHost()).map(address -> {
            if (address == null) {
                throw ProblemException.validation("url", "the host does not resolve");
            }
            return uri.toString();
        }).onFailure(Refused.class).transform(refused -> ProblemException.validation("url", refused.getMessage()));
    }

    /**
     * Where an attempt connects: the checked address of the URL's host, or {@code null} when any address is allowed
     * (the HTTP client resolves the name itself). Fails with {@link Refused} for a refused or unresolvable address.
     */
    Uni<SocketAddress> connectTo(URI uri) {
        if (allowPrivate) {
            return Uni.createFrom().nullItem();
        }
        return resolve(uri.getHost()).map(address -> {
            if (address == null) {
                throw new Refused("the host does not resolve");
            }
            return SocketAddress.inetSocketAddress(port(uri), address.getHostAddress());
        });
    }

    /** The first address of the host once every address passed, or {@code null} when it does not resolve. */
    private Uni<InetAddress> resolve(String host) {
        return vertx.executeBlocking(() -> {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                return null;
            }
            for (InetAddress address : addresses) {
                if (isInternal(address)) {
                    throw new Refused("must not be a loopback, private, link-local or similar address"
                            + " (KEYTURN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES)");
                }
            }
            return addresses[0];
        }, false);
    }

    /** Checks the form of a URL (always, whatever the address rule). */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ProblemException.validation("url", "must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw ProblemException.validation("url", "must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ProblemException.validation("url", "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw ProblemException.validation("url", "must not hold credentials (user:password@)");
        }
        if (uri.getRawFragment() != null) {
            throw ProblemException.validation("url", "must not have a fragment");
        }
        return uri.normalize();
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether an address belongs inside a deployment rather than on the internet. */
    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && (second & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
                    || first >= 240; // reserved, and the broadcast address
        }
        if (address instanceof Inet6Address six) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7, unique local
            }
            if (six.isIPv4CompatibleAddress()) {
                try {
                    byte[] v4 = { bytes[12], bytes[13], bytes[14], bytes[15] };
                    return isInternal(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A destination that the address rule refuses (its message says why, and nothing more). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
