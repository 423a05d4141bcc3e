package dev.keyturn.web.problem;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * RFC 9457 problem details with Keyturn's {@code code} extension. {@code detail} is written for humans
 * and never carries a secret, a token, SQL or a stack trace. A few problems carry further members (RFC 9457
 * section 3.2) that a client needs to go on, such as the {@code mfa_token} of {@code mfa_required}.
 */
@RegisterForReflection
// named, so that the OpenAPI description holds it although only ProblemResponses refers to it
@Schema(name = "Problem")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail,
        List<FieldError> errors, String correlationId, @Schema(hidden = true) Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String code, String detail, List<FieldError> errors,
            String correlationId) {
        this(type, title, status, code, detail, errors, correlationId, Map.of());
    }

    public static Problem of(ErrorCode code, String detail) {
        return new Problem("about:blank", code.title(), code.status(), code.code(), detail, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, code, detail, fieldErrors, correlationId, extensions);
    }

    public Problem withCorrelationId(String id) {
        return new Problem(type, title, status, code, detail, errors, id, extensions);
    }

    /** The same problem with further members, written beside the standard ones (their names are snake_case). */
    public Problem withExtensions(Map<String, Object> members) {
        return new Problem(type, title, status, code, detail, errors, correlationId, Map.copyOf(members));
    }

    @Override
    @JsonAnyGetter
    public Map<String, Object> extensions() {
        return extensions;
    }

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
