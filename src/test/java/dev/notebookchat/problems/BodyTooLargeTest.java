package dev.notebookchat.problems;

import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A body over the byte limit is a 413 however deep the JSON reader and the runtime wrapped it. */
class BodyTooLargeTest {

    static final String MESSAGE = "The request body is larger than the limit of 1024 bytes (notebookchat.http.max-request-bytes).";

    @BeforeAll
    static void plainJaxRs() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void everyMapperAnswers413WhenTheLimitIsInTheCauseChain() {
        BodyTooLarge tooLarge = new BodyTooLarge(1024);

        assertTooLarge(new UnreadableBodyMapper().toResponse(new ProcessingException("read failed", new UncheckedIOException(tooLarge))));
        assertTooLarge(new JsonbExceptionMapper().toResponse(new JsonbException("parse failed", tooLarge)));
        assertTooLarge(new UnexpectedFailureMapper().toResponse(new IllegalStateException(tooLarge)));
        assertTooLarge(new BodyTooLargeMapper().toResponse(tooLarge));
    }

    @Test
    void withoutItTheMappersAnswerAsBefore() {
        assertEquals(400, new UnreadableBodyMapper().toResponse(new ProcessingException("read failed")).getStatus());
        assertEquals(400, new JsonbExceptionMapper().toResponse(new JsonbException("parse failed")).getStatus());
    }

    @Test
    void theFilterSendsTheSameBodyAsTheMappers() {
        assertEquals("{\"error\":\"payload_too_large\",\"message\":\"" + MESSAGE + "\"}", BodyTooLarge.json(1024));
    }

    private static void assertTooLarge(Response response) {
        assertEquals(413, response.getStatus());
        assertEquals("close", response.getHeaderString("Connection"));
        assertEquals(new ApiError("payload_too_large", MESSAGE), response.getEntity());
    }
}
