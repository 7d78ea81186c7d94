package dev.notebookchat.problems;

import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.provider.spi.ProviderFailure.Kind;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TurnFailuresTest {

    @BeforeAll
    static void runtime() {
        PlainRuntimeDelegate.install();
    }

    @Test
    void aKeyTheProviderRejectedIsTheCallersToFixNotTheirToken() {
        String message = "The OpenAI API key was rejected (HTTP 401). Check the key in Settings.";

        Response response = TurnFailures.response(new ChatEvent.Error(message, Kind.AUTHENTICATION));

        assertEquals(400, response.getStatus());
        assertEquals(new ApiError("bad_request", message), response.getEntity());
    }

    @Test
    void whatTheCallerChoseIsA400AndEveryOutageA503() {
        EnumSet<Kind> callers = EnumSet.of(Kind.AUTHENTICATION, Kind.NOT_FOUND, Kind.BAD_REQUEST);
        for (Kind kind : Kind.values()) {
            assertEquals(callers.contains(kind) ? 400 : 503, TurnFailures.status(kind), kind.name());
        }
    }

    @Test
    void aTurnThatFailedWithoutTheProviderIsUnavailable() {
        Response response = TurnFailures.response(new ChatEvent.Error("The answer could not be saved because the database is unavailable."));

        assertEquals(503, response.getStatus());
        assertEquals(new ApiError("unavailable", "The answer could not be saved because the database is unavailable."), response.getEntity());
    }
}
