package dev.notebookchat.provider.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseFramesTest {

    private final List<String> events = new ArrayList<>();
    private final SseFrames frames = new SseFrames(new SseFrames.Handler() {
        @Override
        public void event(String type, String data) {
            events.add(type + "|" + data);
        }

        @Override
        public void end() {
            events.add("end");
        }
    });

    private void feed(String... lines) {
        for (String line : lines) {
            frames.line(line);
        }
    }

    @Test
    void eventsEndAtABlankLine() {
        feed("event: message_start", "data: {\"a\":1}", "", "data: {\"b\":2}", "");
        assertEquals(List.of("message_start|{\"a\":1}", "null|{\"b\":2}"), events);
    }

    @Test
    void commentsAndUnknownFieldsAreSkipped() {
        feed(": OPENROUTER PROCESSING", "", ": keep-alive", "id: 7", "retry: 1000", "data: x", "");
        assertEquals(List.of("null|x"), events);
    }

    @Test
    void dataLinesJoinWithNewlines() {
        feed("data: first", "data:second", "data:  third", "");
        assertEquals(List.of("null|first\nsecond\n third"), events);
    }

    @Test
    void anEventTheBodyEndedInStillCounts() {
        feed("data: [DONE]");
        frames.end();
        assertEquals(List.of("null|[DONE]", "end"), events);
    }

    @Test
    void blankLinesAloneDispatchNothing() {
        feed("", "", "event: ping", "");
        frames.end();
        assertEquals(List.of("end"), events);
    }
}
