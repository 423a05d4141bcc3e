package dev.keyturn.userimport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads an import body as it arrives, on the request's event loop, with Jackson's non-blocking parser: each chunk is
 * parsed as far as it goes, each row is read and checked ({@link RowChecks}) as soon as its closing brace arrives, and
 * only the checked rows are kept, never the body or a tree of it. A body is either a JSON array of users
 * ({@code application/json}) or one user per line ({@code application/x-ndjson}).
 * <p>
 * A body that is not JSON (or a key given twice, or nesting too deep: {@code web/StrictJson}'s rules) is a 400
 * {@code malformed_request}: the rows after it cannot be found. A body that grows past the limit is a 413 at once, and
 * the connection is closed so that the rest of it goes nowhere. A row that is JSON but not a valid user is only that
 * row's failure.
 */
final class ImportBody {

    private final ObjectMapper json;
    private final RowChecks checks;
    private final long maxBytes;
    private final boolean array;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final List<CheckedRow> rows = new ArrayList<>();
    private long bytes;
    private boolean arrayOpened;
    private boolean arrayClosed;
    private TokenBuffer row;
    private boolean rowIsObject;
    private int depth;
    private boolean failed;

    private ImportBody(ObjectMapper json, RowChecks checks, long maxBytes, boolean array) throws IOException {
        this.json = json;
        this.checks = checks;
        this.maxBytes = maxBytes;
        this.array = array;
        this.parser = json.getFactory().createNonBlockingByteArrayParser();
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /**
     * @param array {@code true} for a JSON array, {@code false} for JSON lines
     * @return every row, in the body's order, checked
     */
    static Uni<List<CheckedRow>> read(HttpServerRequest request, boolean array, long maxBytes, ObjectMapper json,
            RowChecks checks) {
        return Uni.createFrom().emitter(emitter -> {
            ImportBody body;
            try {
                body = new ImportBody(json, checks, maxBytes, array);
            } catch (IOException e) {
                emitter.fail(e);
                return;
            }
            if (request.isEnded()) {
                body.end(emitter);
                return;
            }
            request.handler(chunk -> body.feed(request, chunk, emitter));
            request.endHandler(ignored -> body.end(emitter));
            request.exceptionHandler(emitter::fail);
            request.resume();
        });
    }

    private void feed(HttpServerRequest request, Buffer chunk, UniEmitter<? super List<CheckedRow>> emitter) {
        if (failed) {
            return;
        }
        bytes += chunk.length();
        if (bytes > maxBytes) {
            fail(emitter, new ProblemException(ErrorCode.PAYLOAD_TOO_LARGE, "The import body is larger than " + maxBytes
                    + " bytes: split it (an import can be run again; existing users are skipped).", List.of(),
                    Map.of("Connection", "close")));
            request.pause();
            return;
        }
        try {
            byte[] data = chunk.getBytes();
            feeder.feedInput(data, 0, data.length);
            drain();
        } catch (IOException e) {
            fail(emitter, malformed(e));
        } catch (ProblemException e) {
            fail(emitter, e);
        }
    }

    private void end(UniEmitter<? super List<CheckedRow>> emitter) {
        if (failed) {
            return;
        }
        try {
            feeder.endOfInput();
            drain();
            if (row != null || (array && (!arrayOpened || !arrayClosed))) {
                throw new ProblemException(ErrorCode.MALFORMED_REQUEST, array
                        ? "The body must be one JSON array of users." : "The body ends in the middle of a user.");
            }
            parser.close();
            emitter.complete(rows);
        } catch (IOException e) {
            fail(emitter, malformed(e));
        } catch (ProblemException e) {
            fail(emitter, e);
        }
    }

    private void fail(UniEmitter<? super List<CheckedRow>> emitter, Throwable failure) {
        failed = true;
        rows.clear();
        emitter.fail(failure);
    }

    private static ProblemException malformed(IOException e) {
        // Never the parser's message: it may quote the body, and the body holds passwords and hashes.
        return new ProblemException(ErrorCode.MALFORMED_REQUEST, e instanceof JsonProcessingException json
                ? "The body is not valid JSON near line " + json.getLocation().getLineNr() + ", column "
                        + json.getLocation().getColumnNr() + " (a key given twice and nesting deeper than 32 count too)."
                : "The body could not be read.");
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            accept(token);
        }
    }

    private void accept(JsonToken token) throws IOException {
        if (row != null) {
            row.copyCurrentEvent(parser);
            depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
            if (depth == 0) {
                finishRow();
            }
            return;
        }
        if (array) {
            if (!arrayOpened) {
                if (token != JsonToken.START_ARRAY) {
                    throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The body must be one JSON array of users.");
                }
                arrayOpened = true;
                return;
            }
            if (arrayClosed) {
                throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "Nothing may follow the array of users.");
            }
            if (token == JsonToken.END_ARRAY) {
                arrayClosed = true;
                return;
            }
        }
        row = new TokenBuffer(json, false);
        row.copyCurrentEvent(parser);
        rowIsObject = token == JsonToken.START_OBJECT;
        depth = token.isStructStart() ? 1 : 0;
        if (depth == 0) {
            finishRow();
        }
    }

    private void finishRow() {
        int number = rows.size() + 1;
        TokenBuffer buffered = row;
        row = null;
        if (!rowIsObject) {
            rows.add(CheckedRow.invalid(number, null, "not a JSON object"));
            return;
        }
        ImportRow read;
        try (JsonParser rowParser = buffered.asParser(json)) {
            read = json.readValue(rowParser, ImportRow.class);
        } catch (UnrecognizedPropertyException e) {
            rows.add(CheckedRow.invalid(number, null, "unknown field " + e.getPropertyName()));
            return;
        } catch (MismatchedInputException e) {
            rows.add(CheckedRow.invalid(number, null, path(e) + ": wrong type"));
            return;
        } catch (IOException e) {
            rows.add(CheckedRow.invalid(number, null, "not a user"));
            return;
        }
        rows.add(checks.check(number, read));
    }

    /** The field's JSON path, from Jackson's reference chain ({@code credentials[0].type}). */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "row" : path.toString();
    }
}
