package dev.keyturn.web;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * Tells a browser's request from another site apart from one of our own pages (CSRF), for the routes that act on
 * an ambient credential (the refresh-token cookie). A request is same-site enough when:
 * <ul>
 * <li>its {@code Origin}, if any, is the request's own origin (scheme and {@code Host} as the server sees them;
 * the scheme comes from X-Forwarded-Proto only through a trusted proxy), the issuer's origin, or one of
 * {@code KEYTURN_CORS_ORIGINS};</li>
 * <li>and its {@code Sec-Fetch-Site}, if any, is {@code same-origin} (any other value, {@code none} and
 * {@code same-site} included, is refused, unless the Origin is a configured CORS origin, whose requests are
 * cross-origin by design).</li>
 * </ul>
 * A request with neither header is no browser's (every browser sends Origin on a cross-site POST) and passes:
 * CSRF needs a browser.
 */
@ApplicationScoped
public class CrossSiteRequests {

    private final Set<String> trustedOrigins = new HashSet<>();
    private final Set<String> corsOrigins = new HashSet<>();

    public CrossSiteRequests(@ConfigProperty(name = "keyturn.tokens.issuer") String issuer,
            @ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> corsOrigins) {
        String issuerOrigin = origin(issuer);
        if (issuerOrigin != null) {
            trustedOrigins.add(issuerOrigin);
        }
        corsOrigins.orElse(List.of()).stream().map(CrossSiteRequests::origin).filter(o -> o != null)
                .forEach(this.corsOrigins::add);
    }

    /** Whether a browser sent this request from a page of another origin (or cannot say where from). */
    public boolean isCrossSite(HttpServerRequest request) {
        String originHeader = request.getHeader(HttpHeaders.ORIGIN);
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (originHeader != null) {
            String origin = origin(originHeader);
            if (origin != null && corsOrigins.contains(origin)) {
                return false;
            }
            if (origin == null || !(origin.equals(ownOrigin(request)) || trustedOrigins.contains(origin))) {
                return true;
            }
        }
        return fetchSite != null && !fetchSite.trim().equalsIgnoreCase("same-origin");
    }

    /** The request's own origin as the server sees it. */
    private static String ownOrigin(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null || request.scheme() == null) {
            return null;
        }
        return normalise(request.scheme(), authority.host(), authority.port());
    }

    /** {@code scheme://host[:port]}, lower-cased, the scheme's default port left out; null when not an origin. */
    static String origin(String text) {
        if (text == null || text.isBlank() || text.trim().equals("null")) {
            return null;
        }
        try {
            URI uri = new URI(text.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            return normalise(uri.getScheme(), uri.getHost(), uri.getPort());
        } catch (Exception e) {
            return null;
        }
    }

    private static String normalise(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        boolean defaultPort = port < 0 || (s.equals("http") && port == 80) || (s.equals("https") && port == 443);
        return s + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
