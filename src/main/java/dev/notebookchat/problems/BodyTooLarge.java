package dev.notebookchat.problems;

import jakarta.json.Json;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * A request body that went past {@code notebookchat.http.max-request-bytes} while it was being read.
 * It is an {@link IOException} because it comes out of the body's stream; the JSON reader and the
 * runtime may wrap it, so the mappers look for it in the cause chain before anything else.
 */
public class BodyTooLarge extends IOException {

    public static final String SETTING = "notebookchat.http.max-request-bytes";

    public BodyTooLarge(long limit) {
        super(message(limit));
    }

    public static String message(long limit) {
        return "The request body is larger than the limit of " + limit + " bytes (" + SETTING + ").";
    }

    /**
     * The 413 body as text, for the servlet filter that answers before JAX-RS is involved.
     * {@code Connection: close} goes with every 413: the rest of the body is not wanted, so the
     * connection cannot carry another request.
     */
    public static String json(long limit) {
        return Json.createObjectBuilder().add("error", ApiError.codeFor(413)).add("message", message(limit)).build().toString();
    }

    public Response response() {
        return ApiError.builder(413, getMessage()).header("Connection", "close").build();
    }

    /** This refusal, if it is somewhere in {@code e}'s cause chain. */
    public static Optional<BodyTooLarge> in(Throwable e) {
        // A cause chain may loop back on itself; stop at the first repeat.
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof BodyTooLarge tooLarge) {
                return Optional.of(tooLarge);
            }
        }
        return Optional.empty();
    }
}
