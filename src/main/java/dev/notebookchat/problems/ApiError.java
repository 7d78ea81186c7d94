package dev.notebookchat.problems;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON error body of the contract. */
public record ApiError(String error, String message) {

    /** For {@code @NotNull} on a request body: JSON-B hands an empty body over as {@code null}. */
    public static final String BODY_REQUIRED = "A JSON request body is required.";

    /** The contract's error code for an HTTP status. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }

    public static Response response(int status, String message) {
        return builder(status, message).build();
    }

    /**
     * Every 503 says when to come back (an outage of the database or a provider, or a full server), so
     * clients do not retry at once; a refusal that knows better sets its own.
     */
    public static final long RETRY_AFTER_SECONDS = 5;

    public static Response.ResponseBuilder builder(int status, String message) {
        Response.ResponseBuilder builder = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(codeFor(status), message));
        return status == 503 ? builder.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS) : builder;
    }
}
