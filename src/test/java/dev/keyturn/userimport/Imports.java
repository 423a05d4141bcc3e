package dev.keyturn.userimport;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.account.hashes.TestHashes;
import dev.keyturn.support.Api;
import io.restassured.response.Response;

/** Import bodies and calls, written once for the import tests. */
final class Imports {

    static final String NDJSON = "application/x-ndjson";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Imports() {
    }

    /** A row with a unique username and an email under {@code domain}; {@code extra} adds the password fields. */
    static Map<String, Object> row(String domain, Map<String, Object> extra) {
        String username = Api.uniqueName("imp");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("username", username);
        row.put("email", username + "@" + domain);
        row.put("email_verified", true);
        row.putAll(extra);
        return row;
    }

    /** Keycloak's credentials entry as its export writes it: the two documents as JSON strings. */
    static Map<String, Object> keycloak(TestHashes.KeycloakShape shape) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", "0d2b1f0e-5c4f-4f4e-9c59-3f0e6c1e2a11");
        credential.put("type", "password");
        credential.put("userLabel", "My password");
        credential.put("createdDate", 1_700_000_000_000L);
        credential.put("secretData", shape.secretData());
        credential.put("credentialData", shape.credentialData());
        return Map.of("credentials", List.of(credential));
    }

    static byte[] ndjson(List<Map<String, Object>> rows) {
        StringBuilder body = new StringBuilder();
        for (Map<String, Object> row : rows) {
            body.append(json(row)).append('\n');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response post(String token, String contentType, byte[] body, boolean partial) {
        return given().auth().oauth2(token).contentType(contentType).body(body)
                .queryParam("partial", partial).post("/admin/users/import");
    }

    static Response post(String token, List<Map<String, Object>> rows) {
        return post(token, NDJSON, ndjson(rows), false);
    }

    static String email(Map<String, Object> row) {
        return (String) row.get("email");
    }
}
