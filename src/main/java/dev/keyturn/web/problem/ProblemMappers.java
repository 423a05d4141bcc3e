package dev.keyturn.web.problem;

import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.keyturn.db.DatabaseFailures;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place where exceptions become HTTP answers: every error leaves as an RFC 9457 problem with a
 * code from {@link ErrorCode}. Nothing internal (stack trace, SQL, class names) reaches a client.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String BEARER_CHALLENGE = "Bearer error=\"invalid_token\"";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder response = respond(e.toProblem());
        e.headers().forEach(response::header);
        if (e.code() == ErrorCode.INVALID_TOKEN) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        return response.build();
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class })
    public Response unauthenticated(Exception e) {
        return respond(Problem.of(ErrorCode.INVALID_TOKEN, "A valid access token is required."))
                .header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE)
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(ErrorCode.FORBIDDEN, "You are not allowed to do this.")).build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                .toList();
        return respond(Problem.of(ErrorCode.VALIDATION_FAILED, "The request is not valid.").withErrors(errors)).build();
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return respond(Problem.of(ErrorCode.VALIDATION_FAILED, "The request has a field this route does not accept.")
                    .withErrors(List.of(new Problem.FieldError(unknown.getPropertyName(), "unknown field")))).build();
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return respond(Problem.of(ErrorCode.VALIDATION_FAILED, "The request has a field of the wrong type.")
                    .withErrors(List.of(new Problem.FieldError(jsonPath(mismatch), "wrong type")))).build();
        }
        return respond(Problem.of(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON.")).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json);
        }
        if (e instanceof NotFoundException) {
            return respond(Problem.of(ErrorCode.NOT_FOUND, "No such resource.")).build();
        }
        if (e instanceof NotAllowedException) {
            Response.ResponseBuilder response = respond(
                    Problem.of(ErrorCode.METHOD_NOT_ALLOWED, "This method is not allowed here."));
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            if (allow != null) {
                response.header(HttpHeaders.ALLOW, allow);
            }
            return response.build();
        }
        if (e instanceof NotSupportedException) {
            return respond(Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "This route does not accept the media type of the request body.")).build();
        }
        if (e instanceof NotAcceptableException) {
            return respond(Problem.of(ErrorCode.NOT_ACCEPTABLE, "This route answers application/json only.")).build();
        }
        int status = e.getResponse().getStatus();
        if (status == 400) {
            return respond(Problem.of(ErrorCode.MALFORMED_REQUEST, "The request could not be read.")).build();
        }
        if (status == 413) {
            return respond(Problem.of(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large.")).build();
        }
        if (status < 500) {
            return respond(new Problem("about:blank", e.getResponse().getStatusInfo().getReasonPhrase(), status,
                    "request_rejected", "The request was rejected.", null, null)).build();
        }
        return unexpected(e);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (DatabaseFailures.isUnavailable(e)) {
            LOG.warnf("database unavailable: %s", DatabaseFailures.describe(e));
            return respond(Problem.of(ErrorCode.UNAVAILABLE, "The service is temporarily unavailable. Try again shortly."))
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .build();
        }
        String correlationId = UUID.randomUUID().toString();
        MDC.put("correlation_id", correlationId);
        try {
            LOG.errorf(e, "unexpected failure, correlation id %s", correlationId);
        } finally {
            MDC.remove("correlation_id");
        }
        return respond(Problem.of(ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side. Quote the correlation id when reporting it.")
                .withCorrelationId(correlationId)).build();
    }

    static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }

    private static String fieldName(ConstraintViolation<?> violation) {
        String name = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getName() != null && node.getKind() == jakarta.validation.ElementKind.PROPERTY) {
                name = node.getName();
            }
        }
        return name == null ? "body" : snakeCase(name);
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
