package dev.notebookchat.problems;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApiErrorTest {

    @BeforeAll
    static void responsesWithoutServer() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void eachStatusOfTheContractHasItsCode() {
        assertEquals("bad_request", ApiError.codeFor(400));
        assertEquals("unauthorized", ApiError.codeFor(401));
        assertEquals("not_found", ApiError.codeFor(404));
        assertEquals("conflict", ApiError.codeFor(409));
        assertEquals("payload_too_large", ApiError.codeFor(413));
        assertEquals("unavailable", ApiError.codeFor(503));
    }

    @Test
    void statusesTheRuntimeRaisesHaveTheirOwnCodes() {
        assertEquals("forbidden", ApiError.codeFor(403));
        assertEquals("method_not_allowed", ApiError.codeFor(405));
        assertEquals("not_acceptable", ApiError.codeFor(406));
        assertEquals("unsupported_media_type", ApiError.codeFor(415));
        assertEquals("too_many_requests", ApiError.codeFor(429));
    }

    @Test
    void otherClientErrorsAreBadRequestsAndServerErrorsInternal() {
        assertEquals("bad_request", ApiError.codeFor(422));
        assertEquals("internal", ApiError.codeFor(500));
        assertEquals("internal", ApiError.codeFor(502));
    }

    @Test
    void theResponseIsJsonWithCodeAndMessage() {
        Response response = ApiError.response(404, "Notebook not found");

        assertEquals(404, response.getStatus());
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
        assertEquals(new ApiError("not_found", "Notebook not found"), response.getEntity());
    }
}
