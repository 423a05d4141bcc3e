package dev.keyturn.userimport;

/**
 * A row as read: the user to create, or why it cannot be (never repeating a password or hash).
 *
 * @param row the row's position in the body, from 1
 * @param email the normalised email when the row had one, for the report
 */
record CheckedRow(int row, String email, NewUser user, String reason) {

    static CheckedRow valid(NewUser user) {
        return new CheckedRow(user.row(), user.email(), user, null);
    }

    static CheckedRow invalid(int row, String email, String reason) {
        return new CheckedRow(row, email, null, reason);
    }

    boolean isValid() {
        return user != null;
    }
}
