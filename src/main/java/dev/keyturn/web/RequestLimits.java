package dev.keyturn.web;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Refuses oversized requests before anything reads them, with problem answers (Vert.x's own 413 and 431
 * have plain bodies): a declared body over {@code keyturn.http.max-body-size} is 413
 * {@code payload_too_large} without reading a byte of it; headers over {@code keyturn.http.max-header-size}
 * are 431 {@code headers_too_large}. A body of unknown length (chunked) is read here, counted chunk by chunk,
 * and refused with the same 413 problem as soon as it passes the limit (Quarkus REST then takes the body
 * already read). Headers so large that they pass the HTTP decoder's own limit (4× ours) never reach a route:
 * Vert.x answers those 431 itself.
 * <p>
 * One route takes larger bodies: the user import ({@value #IMPORT_PATH}), up to {@code keyturn.http.max-import-body-size},
 * which it reads as the body arrives and counts itself (a chunked import body is not gathered here). Quarkus' own limit,
 * {@code quarkus.http.limits.max-body-size}, is the larger of the two, so that it never answers before this does.
 */
@ApplicationScoped
public class RequestLimits {

    /** Before Quarkus' own body-size check (order -2) and everything else but its header and logging handlers. */
    static final int ORDER = -100;
    /** The one route with a limit of its own. */
    public static final String IMPORT_PATH = "/admin/users/import";

    private final long maxBodySize;
    private final long maxImportBodySize;
    private final byte[] importTooLarge;
    private final long maxHeaderSize;
    private final int maxFormFields;
    private final byte[] tooLarge;
    private final byte[] headersTooLarge;
    private final byte[] unreadableForm;
    private final byte[] emptyForm;
    private final BodyHandler chunkedBodies;

    public RequestLimits(@ConfigProperty(name = "keyturn.http.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "keyturn.http.max-import-body-size") MemorySize maxImportBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize quarkusMaxBodySize,
            @ConfigProperty(name = "keyturn.http.max-header-size") MemorySize maxHeaderSize,
            @ConfigProperty(name = "quarkus.http.limits.max-parameters") int maxFormFields,
            ObjectMapper json) throws JsonProcessingException {
        this.maxBodySize = maxBodySize.asLongValue();
        this.maxImportBodySize = maxImportBodySize.asLongValue();
        if (quarkusMaxBodySize.asLongValue() < Math.max(this.maxBodySize, this.maxImportBodySize)) {
            throw new IllegalStateException("KEYTURN_MAX_BODY_SIZE must not be larger than KEYTURN_IMPORT_MAX_BODY_SIZE");
        }
        this.importTooLarge = json.writeValueAsBytes(Problem.of(ErrorCode.PAYLOAD_TOO_LARGE,
                "The import body is larger than " + this.maxImportBodySize + " bytes: split it (an import can be run "
                        + "again; existing users are skipped)."));
        this.maxHeaderSize = maxHeaderSize.asLongValue();
        this.maxFormFields = maxFormFields;
        this.tooLarge = json.writeValueAsBytes(Problem.of(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + this.maxBodySize + " bytes."));
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(this.maxBodySize);
        this.unreadableForm = json.writeValueAsBytes(Problem.of(ErrorCode.MALFORMED_REQUEST,
                "The form could not be read: it has too many fields."));
        this.emptyForm = json.writeValueAsBytes(Problem.of(ErrorCode.MALFORMED_REQUEST, "The form is empty."));
        this.headersTooLarge = json.writeValueAsBytes(Problem.of(ErrorCode.HEADERS_TOO_LARGE,
                "The request headers are larger than " + this.maxHeaderSize + " bytes."));
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check).failureHandler(this::unreadableBody);
        router.route().order(ORDER + 1).handler(this::countFormFields);
    }

    /**
     * Failures while the body is read, before any resource runs: the body handler of a chunked request fails the
     * context with 413 once the body passes the limit, and Quarkus REST's form parser fails it (a plain
     * RuntimeException, which would be a 500 with a stack trace in the log) on a form with more fields than
     * {@code quarkus.http.limits.max-parameters}. A failure of a form request at this level is always its body's:
     * a resource's own failures are mapped inside Quarkus REST (ProblemMappers) and never get here.
     */
    void unreadableBody(RoutingContext context) {
        if (context.response().headWritten()) {
            context.next();
        } else if (context.statusCode() == ErrorCode.PAYLOAD_TOO_LARGE.status()) {
            refuse(context, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge);
        } else if (isForm(context.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
            refuse(context, ErrorCode.MALFORMED_REQUEST, unreadableForm);
        } else {
            context.next();
        }
    }

    /**
     * Runs after {@link #check} has read a url-encoded form (bounded by the body limit): a form with more
     * {@code &}-separated fields than {@code quarkus.http.limits.max-parameters} is a 400 problem. Quarkus REST's
     * parser would keep the first max-parameters fields and go on (a 1500-field revoke answered 200), and Vert.x's
     * max-form-fields does not reach a form read here.
     */
    void countFormFields(RoutingContext context) {
        if (isUrlEncodedForm(context.request().getHeader(HttpHeaders.CONTENT_TYPE)) && context.request().isEnded()) {
            io.vertx.core.buffer.Buffer body = context.body() == null ? null : context.body().buffer();
            // The body handler may keep a form's fields as attributes rather than as a body buffer.
            int fields = body == null ? context.request().formAttributes().size() : body.length() == 0 ? 0 : 1;
            boolean empty = body == null ? context.request().formAttributes().isEmpty() : body.length() == 0;
            if (empty && context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                // a chunked form that turned out empty: Quarkus REST would wait for the end of it forever (see check)
                refuse(context, ErrorCode.MALFORMED_REQUEST, emptyForm);
                return;
            }
            for (int i = 0; body != null && i < body.length() && fields <= maxFormFields; i++) {
                if (body.getByte(i) == '&') {
                    fields++;
                }
            }
            if (fields > maxFormFields) {
                refuse(context, ErrorCode.MALFORMED_REQUEST, unreadableForm);
                return;
            }
        }
        context.next();
    }

    private static boolean isUrlEncodedForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    void check(RoutingContext context) {
        long headerBytes = 0;
        for (Map.Entry<String, String> header : context.request().headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > maxHeaderSize) {
            refuse(context, ErrorCode.HEADERS_TOO_LARGE, headersTooLarge);
            return;
        }
        // with a trailing slash too: the route answers it, and must read the body itself there as well
        boolean isImport = context.normalizedPath().startsWith(IMPORT_PATH)
                && context.normalizedPath().substring(IMPORT_PATH.length()).matches("/*");
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (isImport) {
            if (length != null && declaredLength(length) > maxImportBodySize) {
                refuse(context, ErrorCode.PAYLOAD_TOO_LARGE, importTooLarge);
                return;
            }
            context.next(); // read as it arrives, and counted, by the route itself
            return;
        }
        if (length != null) {
            long declared = declaredLength(length);
            if (declared > maxBodySize) {
                refuse(context, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge);
                return;
            }
            // An empty form has no fields to count, and Quarkus REST waits forever for the end of a body that a
            // handler here read as empty: it reads that one itself.
            if (declared > 0 && isUrlEncodedForm(context.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
                // Read the (bounded) form here so that countFormFields can refuse one with too many fields before
                // Quarkus REST parses it; Quarkus REST then takes the body already read.
                chunkedBodies.handle(context);
                return;
            }
        } else if (context.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            chunkedBodies.handle(context);
            return;
        }
        context.next();
    }

    private static long declaredLength(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The limit of the import route's body, which the route enforces as it reads. */
    public long maxImportBodySize() {
        return maxImportBodySize;
    }

    /** Answers without reading the body, and closes the connection so that the unread body goes nowhere. */
    private static void refuse(RoutingContext context, ErrorCode code, byte[] body) {
        context.response()
                .setStatusCode(code.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }
}
