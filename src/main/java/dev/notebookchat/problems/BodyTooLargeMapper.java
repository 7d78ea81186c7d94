package dev.notebookchat.problems;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A body over the byte limit that surfaced unwrapped (the other mappers find it inside their own exceptions). */
@Provider
public class BodyTooLargeMapper implements ExceptionMapper<BodyTooLarge> {

    @Override
    public Response toResponse(BodyTooLarge e) {
        return e.response();
    }
}
