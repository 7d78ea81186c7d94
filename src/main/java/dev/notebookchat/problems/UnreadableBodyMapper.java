package dev.notebookchat.problems;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A body that is not JSON, or not of the expected shape, fails while being read. */
@Provider
public class UnreadableBodyMapper implements ExceptionMapper<ProcessingException> {

    @Override
    public Response toResponse(ProcessingException e) {
        return BodyTooLarge.in(e).map(BodyTooLarge::response).orElseGet(() -> ApiError.response(400, "The request body is not valid JSON of the expected shape."));
    }
}
