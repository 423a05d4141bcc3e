package dev.keyturn.token;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * The {@code typ} header of access tokens. {@code JWT} by default, because common validators refuse anything else
 * (Spring Security's default accepts only {@code JWT} or no {@code typ}); {@code at+jwt} for RFC 9068 strictness.
 * Either way an access token cannot pass for a refresh token: those carry {@code rt+jwt} and are HMAC-signed
 * under a key of their own, which the access-token parser never accepts.
 */
public enum AccessTokenType {

    JWT("JWT"),
    AT_JWT("at+jwt");

    private final String header;

    AccessTokenType(String header) {
        this.header = header;
    }

    /** The value of the {@code typ} header. */
    public String header() {
        return header;
    }

    /** Reads {@code JWT} or {@code at+jwt} (case-insensitive, as RFC 7515 compares media types); anything else stops start-up. */
    public static class FromConfig implements Converter<AccessTokenType> {

        @Override
        public AccessTokenType convert(String value) {
            String text = value == null ? "" : value.strip();
            for (AccessTokenType type : values()) {
                if (type.header.equalsIgnoreCase(text)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("KEYTURN_ACCESS_TOKEN_TYP must be JWT or at+jwt, not '" + text + "'");
        }
    }
}
