package dev.notebookchat.problems;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Statuses thrown on purpose ({@code NotFoundException("Notebook not found")}) keep their message;
 * those the JAX-RS runtime raises itself (unknown path, wrong method) get a plain one, because
 * their texts name internals.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        var tooLarge = BodyTooLarge.in(e);
        if (tooLarge.isPresent()) {
            return tooLarge.get().response();
        }
        int status = e.getResponse().getStatus();
        Response.ResponseBuilder answer = ApiError.builder(status, ownMessage(e.getMessage()) ? e.getMessage() : plainMessage(status));
        // How long to wait is part of a 429 or 503 refusal; a client that is not told retries at once.
        Object retryAfter = e.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        if (retryAfter != null) {
            answer.header(HttpHeaders.RETRY_AFTER, null).header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return answer.build();
    }

    private static boolean ownMessage(String message) {
        return message != null && !message.isBlank() && !message.startsWith("RESTEASY") && !message.startsWith("HTTP ");
    }

    static String plainMessage(int status) {
        return switch (status) {
            case 400 -> "The request is not valid.";
            case 401 -> "Sign in first: this call needs a valid bearer token.";
            case 403 -> "This call is not allowed.";
            case 404 -> "Not found.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "The requested media type cannot be produced.";
            case 409 -> "The request conflicts with the current state.";
            case 413 -> "The request is too large.";
            case 415 -> "Send the body as application/json.";
            case 429 -> "Too many requests at once. Wait as long as Retry-After says, then try again.";
            case 503 -> "The service is unavailable right now. Try again shortly.";
            default -> "The request could not be processed.";
        };
    }
}
