package dev.keyturn.oauth;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;

/** Reading an OAuth form: RFC 6749 section 3.2 allows each parameter at most once, and an empty one is absent. */
final class FormParameters {

    /** Longer than any token, assertion, secret or scope list of ours: refused, not parsed. */
    static final int MAX_LENGTH = 8192;

    private FormParameters() {
    }

    static String single(MultivaluedMap<String, String> form, String name) {
        List<String> values = form == null ? null : form.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthError.invalidRequest("The parameter " + name + " is repeated.");
        }
        String value = values.get(0);
        if (value.length() > MAX_LENGTH) {
            throw OAuthError.invalidRequest("The parameter " + name + " is too long.");
        }
        return value.isEmpty() ? null : value;
    }
}
