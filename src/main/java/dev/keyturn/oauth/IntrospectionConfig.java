package dev.keyturn.oauth;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * The clients (resource servers) that may call {@code POST /oauth/introspect} with HTTP Basic. An admin's Bearer access
 * token is always accepted as well, so all of this is optional.
 */
@ConfigMapping(prefix = "keyturn.introspection")
public interface IntrospectionConfig {

    /** The id of one introspection client (KEYTURN_INTROSPECTION_CLIENT_ID). */
    Optional<String> clientId();

    /** Its secret (KEYTURN_INTROSPECTION_CLIENT_SECRET), at least 16 characters. */
    Optional<String> clientSecret();

    /** Further clients as {@code id:secret} pairs (KEYTURN_INTROSPECTION_CLIENTS, comma-separated). */
    Optional<List<String>> clients();
}
