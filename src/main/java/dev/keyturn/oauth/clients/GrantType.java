package dev.keyturn.oauth.clients;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The grant types of the token endpoint, by their RFC 6749 names. */
public enum GrantType {
    PASSWORD("password"),
    REFRESH_TOKEN("refresh_token"),
    CLIENT_CREDENTIALS("client_credentials");

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
