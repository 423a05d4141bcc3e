package dev.keyturn.web.problem;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * RFC 9457 problem details with Keyturn's {@code code} extension. {@code detail} is written for humans
 * and never carries a secret, a token, SQL or a stack trace.
 */
@RegisterForReflection
// named, so that the OpenAPI description holds it although only ProblemResponses refers to it
@Schema(name = "Problem")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String code, String detail,
        List<FieldError> errors, String correlationId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail) {
        return new Problem("about:blank", code.title(), code.status(), code.code(), detail, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, code, detail, fieldErrors, correlationId);
    }

    public Problem withCorrelationId(String id) {
        return new Problem(type, title, status, code, detail, errors, id);
    }

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
