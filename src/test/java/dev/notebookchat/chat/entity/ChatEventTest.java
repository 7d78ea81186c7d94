package dev.notebookchat.chat.entity;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code data:} JSON of each event, exactly as a client of the stream reads it. */
class ChatEventTest {

    static final Instant TIMESTAMP = Instant.parse("2026-11-26T17:09:57.123Z");

    @Test
    void aUserMessageCarriesTheQuestionAndWhenItWasAsked() {
        assertEquals(json("""
                        {"type":"user_message","content":"What do the sources say?","timestamp":"2026-11-26T17:09:57.123Z"}"""),
                new ChatEvent.UserMessage("What do the sources say?", TIMESTAMP).toJson());
    }

    @Test
    void aTokenCarriesItsTextUnchangedIncludingNewlinesAndSpaces() {
        assertEquals(json("""
                        {"type":"token","content":"The"}"""),
                new ChatEvent.Token("The").toJson());
        assertEquals(json("""
                        {"type":"token","content":" sources\\n\\n- \\"quoted\\" \\ud83d\\ude00 "}"""),
                new ChatEvent.Token(" sources\n\n- \"quoted\" \uD83D\uDE00 ").toJson());
    }

    @Test
    void aTokenWithoutTextCannotExist() {
        assertEquals("A token carries text",
                assertThrows(IllegalArgumentException.class, () -> new ChatEvent.Token("")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChatEvent.Token(null));
    }

    @Test
    void aCompletedAnswerCarriesTheWholeText() {
        assertEquals(json("""
                        {"type":"ai_message_complete","content":"The sources say ...","timestamp":"2026-11-26T17:09:57.123Z"}"""),
                new ChatEvent.AiMessageComplete("The sources say ...", TIMESTAMP).toJson());
    }

    @Test
    void completeNamesTheSavedAnswerTheFinishReasonAndTheUsage() {
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"stop","usage":{"input_tokens":812,"output_tokens":57}}"""),
                new ChatEvent.Complete("m-1", "stop", 812, 57).toJson());
    }

    @Test
    void completeListsItsCitationsBestFirstOnlyWhenThereAreAny() {
        var citations = List.of(new Citation("s-1", null, "Espresso guide", 7, "Extraction takes about 25 seconds."),
                new Citation(null, "n-1", "Dose", 1, "Use 18 grams."));
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"stop","usage":{"input_tokens":812,"output_tokens":57},
                         "citations":[{"source_id":"s-1","title":"Espresso guide","passage":7,"text":"Extraction takes about 25 seconds."},
                                      {"note_id":"n-1","title":"Dose","passage":1,"text":"Use 18 grams."}]}"""),
                new ChatEvent.Complete("m-1", "stop", 812, 57, citations).toJson());
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"stop","usage":{"input_tokens":812,"output_tokens":57}}"""),
                new ChatEvent.Complete("m-1", "stop", 812, 57, List.of()).toJson());
        assertEquals(citations, Citation.fromColumn(Citation.columnText(citations)));
        assertEquals(null, Citation.columnText(List.of()));
        assertEquals(List.of(), Citation.fromColumn(null));
    }

    @Test
    void usageTheProviderDidNotReportIsNullNotMissing() {
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"stopped","usage":{"input_tokens":null,"output_tokens":null}}"""),
                new ChatEvent.Complete("m-1", "stopped", null, null).toJson());
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"stop","usage":{"input_tokens":null,"output_tokens":57}}"""),
                new ChatEvent.Complete("m-1", "stop", null, 57).toJson());
        assertEquals(json("""
                        {"type":"complete","message_id":"m-1","finish_reason":"length","usage":{"input_tokens":812,"output_tokens":null}}"""),
                new ChatEvent.Complete("m-1", "length", 812, null).toJson());
    }

    @Test
    void anErrorCarriesOnlyItsMessage() {
        assertEquals(json("""
                        {"type":"error","message":"The openai provider rejected the key."}"""),
                new ChatEvent.Error("The openai provider rejected the key.").toJson());
    }

    @Test
    void eachEventNamesItsOwnType() {
        assertEquals("user_message", new ChatEvent.UserMessage("q", TIMESTAMP).type());
        assertEquals("token", new ChatEvent.Token("t").type());
        assertEquals("ai_message_complete", new ChatEvent.AiMessageComplete("a", TIMESTAMP).type());
        assertEquals("complete", new ChatEvent.Complete("m-1", "stop", null, null).type());
        assertEquals("error", new ChatEvent.Error("e").type());
    }

    @Test
    void aTokensDataIsWhatJsonPWritesForIt() {
        for (String content : List.of("plain", " sources\n\n", "\"quoted\" \\ back/slash", "\b\f\r\t\u0000\u001f\u007f",
                "caf\u00e9 \u2028 \ud83d\ude00 <b>&amp;</b>")) {
            ChatEvent.Token token = new ChatEvent.Token(content);
            assertEquals(token.toJson().toString(), token.data());
            assertEquals(content, json(token.data()).getString("content"));
        }
    }

    @Test
    void everyOtherEventsDataIsItsCompactJson() {
        ChatEvent complete = new ChatEvent.Complete("m-1", "stop", 812, null);
        assertEquals("{\"type\":\"complete\",\"message_id\":\"m-1\",\"finish_reason\":\"stop\",\"usage\":{\"input_tokens\":812,\"output_tokens\":null}}",
                complete.data());
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
