package dev.keyturn.userimport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.account.SignupRequest;
import dev.keyturn.account.User;
import dev.keyturn.account.hashes.ImportedHashes;
import dev.keyturn.account.hashes.PasswordHash;
import dev.keyturn.account.hashes.UnreadableHashException;

/**
 * The checks of one imported user. The username and email obey exactly the sign-up rules (they are validated as a
 * {@link SignupRequest}, so the two can never drift apart); roles are {@code user} and {@code admin}; the password comes
 * in one of three ways: {@code password} (hashed later with the configured scheme), {@code password_hash}, or Keycloak's
 * {@code credentials}. A password in the clear is not held to the password policy: it is the one the user already has.
 */
@ApplicationScoped
class RowChecks {

    static final int MAX_PASSWORD_LENGTH = 1024;
    private static final int MAX_HASH_LENGTH = 1024;
    private static final Set<String> ROLES = Set.of(User.ROLE_USER, User.ROLE_ADMIN);

    private final Validator validator;
    private final ObjectMapper json;

    RowChecks(Validator validator, ObjectMapper json) {
        this.validator = validator;
        this.json = json;
    }

    CheckedRow check(int row, ImportRow input) {
        SignupRequest identity = new SignupRequest(input.username() == null ? null : input.username().strip(),
                input.email(), "");
        List<String> problems = new ArrayList<>();
        validator.validate(identity).stream()
                .sorted((a, b) -> a.getPropertyPath().toString().compareTo(b.getPropertyPath().toString()))
                .map(RowChecks::describe)
                .forEach(problems::add);
        List<String> roles = roles(input.roles(), problems);
        PasswordHash hash = null;
        try {
            hash = hash(input);
        } catch (UnreadableHashException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            return CheckedRow.invalid(row, identity.email(), String.join("; ", problems));
        }
        return CheckedRow.valid(new NewUser(row, UUID.randomUUID(), identity.username(), identity.email(),
                Boolean.TRUE.equals(input.emailVerified()), Boolean.TRUE.equals(input.disabled()), roles,
                hash == null ? null : hash.stored(), hash == null ? input.password() : null));
    }

    private static String describe(ConstraintViolation<SignupRequest> violation) {
        return violation.getPropertyPath() + ": " + violation.getMessage();
    }

    private static List<String> roles(List<String> given, List<String> problems) {
        Set<String> roles = new LinkedHashSet<>();
        roles.add(User.ROLE_USER);
        if (given != null) {
            for (String role : given) {
                if (role == null || !ROLES.contains(role)) {
                    problems.add("roles: must be user or admin");
                    break;
                }
                roles.add(role);
            }
        }
        return List.copyOf(roles);
    }

    /** @return the imported hash, or {@code null} for a password in the clear (checked here, hashed later) */
    private PasswordHash hash(ImportRow input) throws UnreadableHashException {
        int given = (input.password() == null ? 0 : 1) + (input.passwordHash() == null ? 0 : 1)
                + (input.credentials() == null ? 0 : 1);
        if (given != 1) {
            throw new UnreadableHashException(given == 0 ? "one of password, password_hash or credentials is required"
                    : "give only one of password, password_hash and credentials");
        }
        if (input.password() != null) {
            int length = input.password().codePointCount(0, input.password().length());
            if (length < 1 || length > MAX_PASSWORD_LENGTH) {
                throw new UnreadableHashException("password: must be 1 to " + MAX_PASSWORD_LENGTH + " characters");
            }
            return null;
        }
        if (input.passwordHash() != null) {
            if (input.passwordHash().length() > MAX_HASH_LENGTH) {
                throw new UnreadableHashException("password_hash: longer than " + MAX_HASH_LENGTH + " characters");
            }
            return withField("password_hash", input.passwordHash());
        }
        return keycloak(input.credentials());
    }

    private static PasswordHash withField(String field, String hash) throws UnreadableHashException {
        try {
            return ImportedHashes.fromString(hash);
        } catch (UnreadableHashException e) {
            throw new UnreadableHashException(field + ": " + e.getMessage());
        }
    }

    /** The one credential of type password, as Keycloak exports it; other types (otp, webauthn) are not imported. */
    private PasswordHash keycloak(List<KeycloakCredential> credentials) throws UnreadableHashException {
        List<KeycloakCredential> passwords = credentials.stream()
                .filter(credential -> credential != null && "password".equalsIgnoreCase(credential.type()))
                .toList();
        if (passwords.size() != 1) {
            throw new UnreadableHashException(passwords.isEmpty() ? "credentials: none of type password"
                    : "credentials: more than one of type password");
        }
        KeycloakCredential credential = passwords.get(0);
        JsonNode secret = document(credential.secretData(), "secretData");
        JsonNode data = document(credential.credentialData(), "credentialData");
        try {
            return ImportedHashes.fromKeycloak(text(data, "algorithm"), data.path("hashIterations").asInt(0),
                    parameters(data.path("additionalParameters")), text(secret, "salt"), text(secret, "value"));
        } catch (UnreadableHashException e) {
            throw new UnreadableHashException("credentials: " + e.getMessage());
        }
    }

    /** Keycloak's export writes these documents as JSON strings; an object is taken as it is. */
    private JsonNode document(JsonNode node, String field) throws UnreadableHashException {
        if (node == null || node.isNull()) {
            throw new UnreadableHashException("credentials: " + field + " is missing");
        }
        if (node.isObject()) {
            return node;
        }
        if (node.isTextual()) {
            try {
                JsonNode parsed = json.readTree(node.asText());
                if (parsed != null && parsed.isObject()) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // reported below, without the text
            }
        }
        throw new UnreadableHashException("credentials: " + field + " is not a JSON object");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    /** Keycloak's {@code additionalParameters}: each a list of strings (its MultivaluedHashMap), or a plain value. */
    private static Map<String, String> parameters(JsonNode node) {
        Map<String, String> parameters = new HashMap<>();
        node.fields().forEachRemaining(entry -> {
            JsonNode value = entry.getValue().isArray() ? entry.getValue().path(0) : entry.getValue();
            if (value.isValueNode() && !value.isNull()) {
                parameters.put(entry.getKey(), value.asText());
            }
        });
        return parameters;
    }

    /** Within one body, an email or username (regardless of case) counts once: later rows naming it again are invalid. */
    static List<CheckedRow> withoutRepeats(List<CheckedRow> rows) {
        Map<String, Integer> emails = new HashMap<>();
        Map<String, Integer> usernames = new HashMap<>();
        return rows.stream().map(row -> {
            if (!row.isValid()) {
                return row;
            }
            String username = row.user().username().toLowerCase(Locale.ROOT);
            Integer sameEmail = emails.get(row.user().email());
            Integer sameUsername = usernames.get(username);
            if (sameEmail != null) {
                return CheckedRow.invalid(row.row(), row.email(), "email: also in row " + sameEmail);
            }
            if (sameUsername != null) {
                return CheckedRow.invalid(row.row(), row.email(), "username: also in row " + sameUsername);
            }
            emails.put(row.user().email(), row.row());
            usernames.put(username, row.row());
            return row;
        }).collect(Collectors.toList());
    }
}
