package dev.keyturn.web;

import java.util.UUID;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;

/**
 * Ids taken from a request path. One that is not a UUID names nothing we keep, so it is answered like an unknown
 * one (404 {@code not_found}), not with a 400 that would set malformed ids apart from absent ones.
 */
public final class PathIds {

    private PathIds() {
    }

    /** The id as a UUID; a {@code not_found} problem with {@code noSuchDetail} when it is not one. */
    public static UUID uuid(String id, String noSuchDetail) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ErrorCode.NOT_FOUND, noSuchDetail);
        }
    }
}
