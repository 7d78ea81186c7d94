package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.entity.ChatEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {

    static final Instant ASKED = Instant.parse("2026-11-26T17:09:57.123Z");
    static final ChatEvent.UserMessage QUESTION = new ChatEvent.UserMessage("Why?", ASKED);

    @Test
    void tokensReadBackAsTheEventsTheyWere() {
        EventLog log = answered("Because", " \"the\"", " sources\n", "say so.");

        assertEquals(5, log.size());
        assertEquals("Because \"the\" sources\nsay so.", log.text());
        assertEquals(29, log.textLength());
        assertEquals(QUESTION, log.event(0));
        assertEquals(new ChatEvent.Token("Because"), log.event(1));
        assertEquals(new ChatEvent.Token(" \"the\""), log.event(2));
        assertEquals(new ChatEvent.Token(" sources\n"), log.event(3));
        assertEquals(new ChatEvent.Token("say so."), log.event(4));
        assertEquals(new Numbered(3, new ChatEvent.Token(" \"the\""), "{\"type\":\"token\",\"content\":\" \\\"the\\\"\"}"),
                log.numbered(2));
        assertEquals(new Numbered(1, QUESTION, QUESTION.data()), log.numbered(0));
    }

    @Test
    void eventsAfterTheTokensKeepTheirPlaceAndTheTextStaysTheAnswer() {
        EventLog log = answered("One", "two");
        ChatEvent.AiMessageComplete done = new ChatEvent.AiMessageComplete("Onetwo", ASKED);
        ChatEvent.Complete complete = new ChatEvent.Complete("answer-1", "stop", 3, 2);
        log.append(done);
        log.append(complete);

        assertEquals(5, log.size());
        assertEquals(List.of(QUESTION, new ChatEvent.Token("One"), new ChatEvent.Token("two"), done, complete),
                List.of(log.event(0), log.event(1), log.event(2), log.event(3), log.event(4)));
        assertEquals("Onetwo", log.text());
        assertFalse(log.isToken(3));
        assertFalse(log.isToken(5));
        assertFalse(log.isToken(-1));
        assertTrue(log.isToken(2));
    }

    @Test
    void theNewestTokenIsEncodedOnceForEveryoneReadingIt() {
        EventLog log = answered("a", "b");

        Numbered first = log.numbered(2);
        Numbered second = log.numbered(2);

        assertSame(first.data(), second.data());
        assertEquals("{\"type\":\"token\",\"content\":\"b\"}", first.data());
    }

    @Test
    void anEventRelayedWithItsTextIsSentAsItCame() {
        EventLog log = new EventLog();
        log.append(QUESTION, "{\"type\":\"user_message\",\"content\":\"Why?\",\"timestamp\":\"as relayed\"}");
        log.append(new ChatEvent.Token("x"), "ignored: a token's text is written again the same way");

        assertEquals("{\"type\":\"user_message\",\"content\":\"Why?\",\"timestamp\":\"as relayed\"}", log.numbered(0).data());
        assertEquals("{\"type\":\"token\",\"content\":\"x\"}", log.numbered(1).data());
    }

    @Test
    void consecutiveTokensMergeUpToTheLastOne() {
        EventLog log = answered("A", "B", "C");
        log.append(new ChatEvent.Error("gone"));

        assertEquals(new EventLog.Run(3, new ChatEvent.Token("ABC")), log.tokensFrom(1));
        assertEquals(new EventLog.Run(3, new ChatEvent.Token("BC")), log.tokensFrom(2));
        assertNull(log.tokensFrom(3), "the last token has none after it");
        assertNull(log.tokensFrom(0), "the user's message is no token");
        assertNull(log.tokensFrom(4));
        assertNull(log.tokensFrom(9));
    }

    @Test
    void aLongLogGrowsPastItsFirstArray() {
        EventLog log = new EventLog();
        log.append(QUESTION);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            log.appendToken("t" + i + " ");
            expected.append("t").append(i).append(' ');
        }

        assertEquals(1001, log.size());
        assertEquals(expected.toString(), log.text());
        assertEquals(new ChatEvent.Token("t999 "), log.event(1000));
        assertEquals(new ChatEvent.Token("t500 "), log.event(501));
    }

    private static EventLog answered(String... tokens) {
        EventLog log = new EventLog();
        log.append(QUESTION);
        for (String token : tokens) {
            log.appendToken(token);
        }
        return log;
    }
}
