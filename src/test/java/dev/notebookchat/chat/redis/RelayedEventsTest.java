package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.Citation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayedEventsTest {

    static final Instant AT = Instant.parse("2026-11-30T20:00:00.123Z");

    @Test
    void everyEventOfATurnIsReadBackAsTheEventItWas() {
        List<ChatEvent> events = List.of(
                new ChatEvent.UserMessage("How long?\n\"Espresso\"", AT),
                new ChatEvent.Token("About 25 s \u00e9\t\u0001"),
                new ChatEvent.AiMessageComplete("About 25 s", AT),
                new ChatEvent.Complete("answer-1", "stop", 12, null),
                new ChatEvent.Complete("answer-1", "stop", 12, 3, List.of(new Citation("s-1", null, "Guide", 2, "About 25 s."),
                        new Citation(null, "n-1", "Dose", 1, "18 g."))),
                new ChatEvent.Error("The provider failed."));
        for (ChatEvent event : events) {
            assertEquals(event, RelayedEvents.event(event.data()));
        }
    }

    @Test
    void theEntryIdCarriesTheEventIdAndTheDataIsKeptAsWritten() {
        String data = new ChatEvent.Token("25").data();

        Turn.Numbered numbered = RelayedEvents.numbered(RelayedEvents.entryId(42), data);

        assertEquals("42-0", RelayedEvents.entryId(42));
        assertEquals(42, numbered.id());
        assertEquals(new ChatEvent.Token("25"), numbered.event());
        assertEquals(data, numbered.data());
    }

    @Test
    void aRelayedTurnTakesEventsInOrderOnlyAndEndsWithTheTerminalOne() {
        Turn turn = Turn.relayed("session-1", "answer-1");
        ChatEvent.Complete complete = new ChatEvent.Complete("answer-1", "stop", null, null);

        turn.relay(List.of(numbered(2, new ChatEvent.Token("b"))));
        assertEquals(0, turn.lastId(), "an event after a gap is skipped");
        turn.relay(List.of(numbered(1, new ChatEvent.UserMessage("q", AT)), numbered(2, new ChatEvent.Token("b"))));
        turn.relay(List.of(numbered(2, new ChatEvent.Token("b")), numbered(3, complete)));

        assertEquals(3, turn.lastId());
        assertTrue(turn.ended());
        assertEquals(complete, turn.lastEvent());
        assertEquals("{\"type\":\"token\",\"content\":\"b\"}", turn.eventAt(1).orElseThrow().data());
        assertFalse(turn.eventAt(3).isPresent());
        assertEquals(complete, turn.finished().toCompletableFuture().join());
    }

    private static Turn.Numbered numbered(long id, ChatEvent event) {
        return new Turn.Numbered(id, event);
    }
}
