package dev.keyturn.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who is calling, as far as the network says: the client address (X-Forwarded-For is honoured only when
 * Quarkus' proxy support trusts the sending proxy, see docs/security.md) and the user agent.
 */
public record ClientInfo(String ip, String userAgent) {

    private static final int MAX_USER_AGENT = 512;

    public static ClientInfo of(HttpServerRequest request) {
        SocketAddress address = request.remoteAddress();
        String agent = request.getHeader("User-Agent");
        if (agent != null) {
            // stored and shown to the user: no control characters (a NUL would not even fit in a PostgreSQL text)
            agent = agent.replaceAll("\\p{Cntrl}", "");
            if (agent.length() > MAX_USER_AGENT) {
                agent = agent.substring(0, MAX_USER_AGENT);
            }
        }
        return new ClientInfo(address == null ? null : address.hostAddress(), agent);
    }
}
