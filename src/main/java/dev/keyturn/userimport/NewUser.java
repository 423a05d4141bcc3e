package dev.keyturn.userimport;

import java.util.List;
import java.util.UUID;

/**
 * A row that passed its checks: the account to create. Either {@code storedHash} (imported, or made from
 * {@code password} before the transaction) or {@code password} is set; the password is dropped once it is hashed.
 */
record NewUser(int row, UUID id, String username, String email, boolean emailVerified, boolean disabled,
        List<String> roles, String storedHash, String password) {

    NewUser withHash(String made) {
        return new NewUser(row, id, username, email, emailVerified, disabled, roles, made, null);
    }
}
