package dev.notebookchat.provider.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a body is read by its first non-blank line, whatever its Content-Type said. */
class AnswerBodyTest {

    private final List<String> seen = new ArrayList<>();
    private int documentProgress;

    /** Records what the adapter's parser and the whole-answer reader receive. */
    private AnswerBody body(AnswerBody.Framing framing, int limit) {
        StreamParser stream = new StreamParser() {
            @Override
            public void line(String line) {
                seen.add("line " + line);
            }

            @Override
            public void end() {
                seen.add("end");
            }
        };
        return new AnswerBody(framing, stream, document -> seen.add("whole " + document), () -> documentProgress++, limit);
    }

    private static void feed(AnswerBody body, String... lines) {
        for (String line : lines) {
            body.line(line);
        }
        body.end();
    }

    @Test
    void ndjsonGoesLineByLineToAnNdjsonParserWhateverTheLabel() {
        AnswerBody body = body(AnswerBody.Framing.NDJSON, 1000);
        feed(body, "", "{\"message\":{\"content\":\"Tea\"},\"done\":false}", "{\"done\":true}");

        assertEquals(List.of("line {\"message\":{\"content\":\"Tea\"},\"done\":false}", "line {\"done\":true}", "end"), seen);
        assertEquals(0, documentProgress, "streamed lines are no progress by themselves; the parser reports it");
    }

    @Test
    void serverSentEventsReachAnNdjsonParserAsTheirData() {
        AnswerBody body = body(AnswerBody.Framing.NDJSON, 1000);
        feed(body, ": ping", "", "data: {\"done\":false}", "", "event: message", "data: {\"done\":true}", "");

        assertEquals(List.of("line {\"done\":false}", "line {\"done\":true}", "end"), seen);
    }

    @Test
    void serverSentEventsGoUnchangedToAnSseParser() {
        AnswerBody body = body(AnswerBody.Framing.SSE, 1000);
        feed(body, "", ": ping", "", "data: {}", "");

        assertEquals(List.of("line : ping", "line ", "line data: {}", "line ", "end"), seen);
    }

    @Test
    void aJsonDocumentIsCollectedAndReadWholeForAnSseParser() {
        AnswerBody body = body(AnswerBody.Framing.SSE, 1000);
        feed(body, "{\"choices\":[{\"message\":{\"content\":\"Tea\"}}]}");

        assertEquals(List.of("whole {\"choices\":[{\"message\":{\"content\":\"Tea\"}}]}\n"), seen);
        assertEquals(1, documentProgress);
    }

    @Test
    void aPrettyPrintedDocumentIsReadWholeForAnNdjsonParserToo() {
        AnswerBody body = body(AnswerBody.Framing.NDJSON, 1000);
        feed(body, "{", "  \"done\": true", "", "}");

        assertEquals(List.of("whole {\n  \"done\": true\n\n}\n"), seen);
        assertEquals(3, documentProgress, "each non-blank line of the document");
    }

    @Test
    void anythingElseGoesToTheAdaptersParserAndIsSampledForTheUser() {
        AnswerBody body = body(AnswerBody.Framing.NDJSON, 1000);
        feed(body, "", "<html>Bad gateway</html>");

        assertEquals(List.of("line <html>Bad gateway</html>", "end"), seen);
        assertEquals("<html>Bad gateway</html>", body.sample());
    }

    @Test
    void theSampleSkipsCommentsAndIsShort() {
        AnswerBody body = body(AnswerBody.Framing.SSE, 1000);
        feed(body, ": keep-alive", "data: " + "x".repeat(200));

        assertEquals("data: " + "x".repeat(114) + "…", body.sample());
    }

    @Test
    void aBodyOfBlankLinesReportsNothing() {
        AnswerBody body = body(AnswerBody.Framing.SSE, 1000);
        feed(body, "", " ", "");

        assertEquals(List.of(), seen);
        assertEquals("", body.sample());
    }

    @Test
    void aDocumentOverTheLimitIsRefused() {
        AnswerBody body = body(AnswerBody.Framing.SSE, 20);
        body.line("[");

        assertThrows(IllegalStateException.class, () -> body.line("\"" + "x".repeat(30) + "\""));
    }
}
