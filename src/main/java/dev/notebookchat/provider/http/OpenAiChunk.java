package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;

import java.io.StringReader;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What one streamed OpenAI-style chunk says, read while it is parsed: the fields a chunk carries for
 * every token and the adapter does not use ({@code id}, {@code object}, {@code created}, {@code model},
 * {@code system_fingerprint}, the choice's {@code index} and {@code logprobs}) are stepped over instead
 * of built into a tree of JSON values. The rare parts (an error, the usage) are built as before.
 *
 * <p>Reads as leniently as {@link WireJson}: a field missing, {@code null} or of another type reads as
 * absent; of a field given twice, the last counts. Text that is not one JSON object is refused with a
 * {@link JsonException}.
 *
 * @param error         the chunk's {@code error}, or {@code null}
 * @param usage         {@code usage}, else Groq's older {@code x_groq.usage}; {@code null} if neither
 * @param hasChoice     whether {@code choices} starts with an object (the usage chunk has none)
 * @param content       the first choice's {@code delta.content}
 * @param reasoning     its {@code delta.reasoning}
 * @param reasoningContent its {@code delta.reasoning_content}
 * @param finishReason  its {@code finish_reason}
 */
record OpenAiChunk(JsonValue error, Usage usage, boolean hasChoice, String content, String reasoning,
                   String reasoningContent, String finishReason) {

    private static final JsonParserFactory PARSERS = WireJson.JSON.createParserFactory(Map.of());

    /** Reads one chunk; throws {@link JsonException} if it is not one JSON object. */
    static OpenAiChunk read(String data) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(data))) {
            Reading reading = new Reading(parser);
            reading.chunk();
            if (parser.hasNext()) {
                throw new JsonException("more than one JSON value in a chunk");
            }
            return reading.result();
        } catch (NoSuchElementException | IllegalStateException truncated) {
            throw new JsonException("not a whole JSON object: " + truncated.getMessage(), truncated);
        }
    }

    /** Token counts from {@code usage}, else from Groq's older {@code x_groq.usage}; {@code null} without either. */
    static Usage usage(JsonObject usage, JsonObject groqUsage) {
        JsonObject counts = usage != null ? usage : groqUsage;
        return counts == null ? null : new Usage(WireJson.integer(counts, "prompt_tokens"), WireJson.integer(counts, "completion_tokens"));
    }

    /** The state of one read. */
    private static final class Reading {

        private final JsonParser parser;
        private JsonValue error;
        private JsonObject usage;
        private JsonObject groqUsage;
        private boolean hasChoice;
        private String content;
        private String reasoning;
        private String reasoningContent;
        private String finishReason;

        Reading(JsonParser parser) {
            this.parser = parser;
        }

        void chunk() {
            Event start = parser.hasNext() ? parser.next() : null;
            if (start != Event.START_OBJECT) {
                throw new JsonException("expected a JSON object, got " + (start == null ? "nothing" : start));
            }
            for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
                String field = parser.getString();
                Event value = parser.next();
                switch (field) {
                    case "error" -> error = value == Event.VALUE_NULL ? null : parser.getValue();
                    case "usage" -> usage = object(value);
                    case "x_groq" -> groqUsage = WireJson.object(object(value), "usage");
                    case "choices" -> choices(value);
                    default -> skip(value);
                }
            }
        }

        private void choices(Event value) {
            hasChoice = false;
            content = reasoning = reasoningContent = finishReason = null;
            if (value != Event.START_ARRAY) {
                skip(value);
                return;
            }
            Event first = parser.next();
            if (first == Event.END_ARRAY) {
                return;
            }
            if (first == Event.START_OBJECT) {
                hasChoice = true;
                choice();
            } else {
                skip(first);
            }
            for (Event rest = parser.next(); rest != Event.END_ARRAY; rest = parser.next()) {
                skip(rest);
            }
        }

        private void choice() {
            for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
                String field = parser.getString();
                Event value = parser.next();
                switch (field) {
                    case "delta" -> delta(value);
                    case "finish_reason" -> finishReason = string(value);
                    default -> skip(value);
                }
            }
        }

        private void delta(Event value) {
            content = reasoning = reasoningContent = null;
            if (value != Event.START_OBJECT) {
                skip(value);
                return;
            }
            for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
                String field = parser.getString();
                Event fieldValue = parser.next();
                switch (field) {
                    case "content" -> content = string(fieldValue);
                    case "reasoning" -> reasoning = string(fieldValue);
                    case "reasoning_content" -> reasoningContent = string(fieldValue);
                    default -> skip(fieldValue);
                }
            }
        }

        private String string(Event value) {
            if (value == Event.VALUE_STRING) {
                return parser.getString();
            }
            skip(value);
            return null;
        }

        private JsonObject object(Event value) {
            if (value == Event.START_OBJECT) {
                return parser.getObject();
            }
            skip(value);
            return null;
        }

        /** Steps over the value that starts with {@code value}, building nothing. */
        private void skip(Event value) {
            if (value != Event.START_OBJECT && value != Event.START_ARRAY) {
                return;
            }
            for (int depth = 1; depth > 0; ) {
                Event event = parser.next();
                if (event == Event.START_OBJECT || event == Event.START_ARRAY) {
                    depth++;
                } else if (event == Event.END_OBJECT || event == Event.END_ARRAY) {
                    depth--;
                }
            }
        }

        OpenAiChunk result() {
            return new OpenAiChunk(error, usage(usage, groqUsage), hasChoice, content, reasoning, reasoningContent, finishReason);
        }
    }
}
