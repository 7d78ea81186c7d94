package dev.notebookchat.problems;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JSON-B reports malformed input with its own exception when the runtime does not wrap it. */
@Provider
public class JsonbExceptionMapper implements ExceptionMapper<JsonbException> {

    @Override
    public Response toResponse(JsonbException e) {
        return BodyTooLarge.in(e).map(BodyTooLarge::response).orElseGet(() -> ApiError.response(400, "The request body is not valid JSON of the expected shape."));
    }
}
