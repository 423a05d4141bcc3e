package dev.keyturn.web.problem;

import java.util.List;
import java.util.Map;

/**
 * An expected failure that becomes a problem response. Services throw it (or fail their {@code Uni}
 * with it); {@link ProblemMappers} turns it into the HTTP answer.
 */
public class ProblemException extends RuntimeException {

    private final ErrorCode code;
    private final List<Problem.FieldError> fieldErrors;
    private final Map<String, String> headers;
    private final Map<String, Object> extensions;

    public ProblemException(ErrorCode code, String detail) {
        this(code, detail, List.of(), Map.of());
    }

    public ProblemException(ErrorCode code, String detail, List<Problem.FieldError> fieldErrors,
            Map<String, String> headers) {
        this(code, detail, fieldErrors, headers, Map.of());
    }

    private ProblemException(ErrorCode code, String detail, List<Problem.FieldError> fieldErrors,
            Map<String, String> headers, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.code = code;
        this.fieldErrors = fieldErrors;
        this.headers = headers;
        this.extensions = extensions;
    }

    /** A problem whose body carries further members a client needs to go on (RFC 9457 section 3.2). */
    public static ProblemException withMembers(ErrorCode code, String detail, Map<String, Object> members) {
        return new ProblemException(code, detail, List.of(), Map.of(), Map.copyOf(members));
    }

    public static ProblemException validation(String field, String message) {
        return new ProblemException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                List.of(new Problem.FieldError(field, message)), Map.of());
    }

    public ErrorCode code() {
        return code;
    }

    public List<Problem.FieldError> fieldErrors() {
        return fieldErrors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The further members of the body, if any. */
    public Map<String, Object> members() {
        return extensions;
    }

    public Problem toProblem() {
        Problem problem = Problem.of(code, getMessage()).withExtensions(extensions);
        return fieldErrors.isEmpty() ? problem : problem.withErrors(fieldErrors);
    }
}
