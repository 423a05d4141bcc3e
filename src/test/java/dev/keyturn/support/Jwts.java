package dev.keyturn.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the parts of a compact JWS without verifying it, to assert on headers and claims. */
public final class Jwts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Jwts() {
    }

    public static Map<String, Object> header(String jwt) {
        return decode(jwt.split("\\.")[0]);
    }

    public static Map<String, Object> claims(String jwt) {
        return decode(jwt.split("\\.")[1]);
    }

    public static String encode(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> decode(String part) {
        try {
            return JSON.readValue(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8),
                    new TypeReference<>() {
                    });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
