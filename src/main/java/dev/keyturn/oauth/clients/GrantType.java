package dev.keyturn.oauth.clients;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The grant types of the token endpoint, by their RFC 6749 names (and Keyturn's one extension grant). */
public enum GrantType {
    PASSWORD("password"),
    REFRESH_TOKEN("refresh_token"),
    CLIENT_CREDENTIALS("client_credentials"),
    /**
     * The second step of a {@code password} grant that answered {@code mfa_required} (an extension grant, RFC 6749
     * section 4.5): {@code mfa_token} and a second factor. Not registered by itself: a client that may use
     * {@code password} may use it.
     */
    MFA("urn:keyturn:params:oauth:grant-type:mfa");

    public static final List<String> NAMES = Arrays.stream(values()).map(GrantType::value).toList();

    private final String value;

    GrantType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<GrantType> of(String value) {
        return Arrays.stream(values()).filter(grant -> grant.value.equals(value)).findFirst();
    }
}
