package dev.notebookchat.chat.entity;

import dev.notebookchat.platform.Clock;
import dev.notebookchat.provider.spi.ProviderFailure;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.time.Instant;
import java.util.List;

/**
 * What a turn tells its followers, in order: {@link UserMessage}, any number of {@link Token}s, then
 * either {@link AiMessageComplete} and {@link Complete}, or one {@link Error}. Each becomes the
 * {@code data:} JSON of one Server-Sent Event.
 */
public sealed interface ChatEvent {

    String type();

    JsonObject toJson();

    /**
     * The event's {@code data:} text, {@link #toJson()} written compactly. A turn's log writes it once
     * for all the streams that follow the turn.
     */
    default String data() {
        return toJson().toString();
    }

    private static JsonObjectBuilder typed(ChatEvent event) {
        return EventJson.JSON.createObjectBuilder().add("type", event.type());
    }

    record UserMessage(String content, Instant timestamp) implements ChatEvent {
        public String type() { return "user_message"; }

        public JsonObject toJson() {
            return typed(this).add("content", content).add("timestamp", Clock.format(timestamp)).build();
        }
    }

    record Token(String content) implements ChatEvent {
        private static final char[] HEX = "0123456789abcdef".toCharArray();

        public Token {
            if (content == null || content.isEmpty()) {
                throw new IllegalArgumentException("A token carries text");
            }
        }

        public String type() { return "token"; }

        public JsonObject toJson() {
            return typed(this).add("content", content).build();
        }

        /** Written by hand, as JSON-P would write it: tokens are most of what a stream carries. */
        public String data() {
            StringBuilder json = new StringBuilder(content.length() + 32).append("{\"type\":\"token\",\"content\":\"");
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\b' -> json.append("\\b");
                    case '\f' -> json.append("\\f");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            return json.append("\"}").toString();
        }
    }

    record AiMessageComplete(String content, Instant timestamp) implements ChatEvent {
        public String type() { return "ai_message_complete"; }

        public JsonObject toJson() {
            return typed(this).add("content", content).add("timestamp", Clock.format(timestamp)).build();
        }
    }

    /**
     * {@code usage} values are {@code null} when the provider did not report them. {@code citations}, the
     * passages the answer draws on, best first, are written only when there are any.
     */
    record Complete(String messageId, String finishReason, Integer inputTokens, Integer outputTokens,
                    List<Citation> citations) implements ChatEvent {
        public Complete {
            citations = citations == null ? List.of() : List.copyOf(citations);
        }

        public Complete(String messageId, String finishReason, Integer inputTokens, Integer outputTokens) {
            this(messageId, finishReason, inputTokens, outputTokens, List.of());
        }

        public String type() { return "complete"; }

        public JsonObject toJson() {
            JsonObjectBuilder usage = EventJson.JSON.createObjectBuilder();
            addNullable(usage, "input_tokens", inputTokens);
            addNullable(usage, "output_tokens", outputTokens);
            JsonObjectBuilder json = typed(this).add("message_id", messageId).add("finish_reason", finishReason).add("usage", usage);
            if (!citations.isEmpty()) {
                json.add("citations", Citation.toJson(citations));
            }
            return json.build();
        }
    }

    /**
     * {@code cause} is why the provider failed, when it did; it stays on the server (the stream
     * carries the message only) so a caller waiting for the whole answer gets the right status.
     */
    record Error(String message, ProviderFailure.Kind cause) implements ChatEvent {
        public Error(String message) {
            this(message, null);
        }

        public String type() { return "error"; }

        public JsonObject toJson() {
            return typed(this).add("message", message).build();
        }
    }

    private static void addNullable(JsonObjectBuilder builder, String name, Integer value) {
        if (value == null) {
            builder.addNull(name);
        } else {
            builder.add(name, value);
        }
    }
}
