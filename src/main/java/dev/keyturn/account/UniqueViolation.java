package dev.keyturn.account;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;

/** Turns a lost sign-up race (the unique index said no) into the same 409 the early check gives. */
final class UniqueViolation {

    private UniqueViolation() {
    }

    static boolean is(Throwable failure) {
        return constraint(failure) != null;
    }

    static Throwable toConflict(Throwable failure) {
        String constraint = constraint(failure);
        if (constraint != null && constraint.contains("username")) {
            return new ProblemException(ErrorCode.USERNAME_TAKEN, "This username is taken.");
        }
        return new ProblemException(ErrorCode.EMAIL_TAKEN, "An account with this email already exists.");
    }

    private static String constraint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("users_email_key")) {
                return "users_email_key";
            }
            if (message != null && message.contains("users_username_key")) {
                return "users_username_key";
            }
        }
        return null;
    }
}
