package dev.notebookchat.problems;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebApplicationExceptionMapperTest {

    private final WebApplicationExceptionMapper mapper = new WebApplicationExceptionMapper();

    @BeforeAll
    static void responsesWithoutServer() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void aStatusThrownOnPurposeKeepsItsMessage() {
        assertEquals(new ApiError("not_found", "Notebook not found"), body(new NotFoundException("Notebook not found")));
        assertEquals(new ApiError("bad_request", "message must not be only whitespace"),
                body(new BadRequestException("message must not be only whitespace")));
        assertEquals(new ApiError("conflict", "A turn is already running in this chat session. Wait for it to finish or stop it."),
                body(new ClientErrorException("A turn is already running in this chat session. Wait for it to finish or stop it.",
                        Response.Status.CONFLICT)));
        assertEquals(new ApiError("unavailable", "The server is answering too many questions right now. Try again shortly."),
                body(new ServiceUnavailableException("The server is answering too many questions right now. Try again shortly.")));
    }

    @Test
    void theStatusIsKept() {
        assertEquals(409, mapper.toResponse(new ClientErrorException("busy", 409)).getStatus());
        assertEquals(404, mapper.toResponse(new NotFoundException()).getStatus());
    }

    @Test
    void theRuntimesDefaultTextIsReplaced() {
        assertEquals("HTTP 404 Not Found", new NotFoundException().getMessage());
        assertEquals(new ApiError("not_found", "Not found."), body(new NotFoundException()));
        assertEquals(new ApiError("unauthorized", "Sign in first: this call needs a valid bearer token."),
                body(new WebApplicationException(401)));
        assertEquals(new ApiError("unsupported_media_type", "Send the body as application/json."),
                body(new WebApplicationException(415)));
    }

    @Test
    void resteasyTextsThatNameInternalsAreReplaced() {
        assertEquals(new ApiError("not_found", "Not found."),
                body(new NotFoundException("RESTEASY003210: Could not find resource for full path: http://localhost:9080/api/nope")));
        assertEquals(new ApiError("method_not_allowed", "This method is not allowed here."),
                body(new WebApplicationException("RESTEASY003650: No resource method found for PATCH, return 405 with Allow header", 405)));
    }

    @Test
    void aRefusalKeepsItsRetryAfter() {
        Response answer = mapper.toResponse(new ClientErrorException("You already have 5 answers running.",
                Response.status(429).header("Retry-After", 5L).build()));

        assertEquals(429, answer.getStatus());
        assertEquals(new ApiError("too_many_requests", "You already have 5 answers running."), answer.getEntity());
        assertEquals(java.util.List.of(5L), answer.getHeaders().get("Retry-After"));
    }

    @Test
    void aRefusalWithoutRetryAfterGetsNone() {
        assertEquals(null, mapper.toResponse(new ClientErrorException("busy", 409)).getHeaders().get("Retry-After"));
    }

    @Test
    void aBlankMessageIsReplaced() {
        assertEquals(new ApiError("bad_request", "The request is not valid."), body(new BadRequestException("  ")));
    }

    @Test
    void eachStatusHasAPlainMessage() {
        assertEquals("The request is not valid.", WebApplicationExceptionMapper.plainMessage(400));
        assertEquals("Sign in first: this call needs a valid bearer token.", WebApplicationExceptionMapper.plainMessage(401));
        assertEquals("This call is not allowed.", WebApplicationExceptionMapper.plainMessage(403));
        assertEquals("Not found.", WebApplicationExceptionMapper.plainMessage(404));
        assertEquals("This method is not allowed here.", WebApplicationExceptionMapper.plainMessage(405));
        assertEquals("The requested media type cannot be produced.", WebApplicationExceptionMapper.plainMessage(406));
        assertEquals("The request conflicts with the current state.", WebApplicationExceptionMapper.plainMessage(409));
        assertEquals("The request is too large.", WebApplicationExceptionMapper.plainMessage(413));
        assertEquals("Send the body as application/json.", WebApplicationExceptionMapper.plainMessage(415));
        assertEquals("Too many requests at once. Wait as long as Retry-After says, then try again.", WebApplicationExceptionMapper.plainMessage(429));
        assertEquals("The service is unavailable right now. Try again shortly.", WebApplicationExceptionMapper.plainMessage(503));
        assertEquals("The request could not be processed.", WebApplicationExceptionMapper.plainMessage(422));
    }

    private ApiError body(WebApplicationException e) {
        return (ApiError) mapper.toResponse(e).getEntity();
    }
}
