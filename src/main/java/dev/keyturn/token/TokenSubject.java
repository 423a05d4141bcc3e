package dev.keyturn.token;

import java.util.List;
import java.util.UUID;

/** What an access token says about its user, read from the account at login and at every refresh. */
public record TokenSubject(UUID userId, String username, String email, boolean emailVerified, List<String> roles) {
}
