package dev.notebookchat.chat.redis;

import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.Citation;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

/**
 * The events of a turn as another server wrote them to its stream: the entry id is the event id,
 * field {@code d} the {@code data:} text, sent on as it is and read here only for what the log needs
 * to know about each event (the answer's text, whether the turn ended).
 */
final class RelayedEvents {

    static final String DATA = "d";

    private static final JsonProvider JSON = JsonProvider.provider();

    private RelayedEvents() {
    }

    /** The stream entry id of event {@code id}: its sequence part is always 0. */
    static String entryId(long id) {
        return id + "-0";
    }

    static Numbered numbered(String entryId, String data) {
        long id = Long.parseLong(entryId.substring(0, entryId.indexOf('-')));
        return new Numbered(id, event(data), data);
    }

    static ChatEvent event(String data) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(data))) {
            json = reader.readObject();
        }
        return switch (json.getString("type")) {
            case "user_message" -> new ChatEvent.UserMessage(json.getString("content"), Instant.parse(json.getString("timestamp")));
            case "token" -> new ChatEvent.Token(json.getString("content"));
            case "ai_message_complete" -> new ChatEvent.AiMessageComplete(json.getString("content"),
                    Instant.parse(json.getString("timestamp")));
            case "complete" -> {
                JsonObject usage = json.getJsonObject("usage");
                JsonArray citations = json.getJsonArray("citations");
                yield new ChatEvent.Complete(json.getString("message_id"), json.getString("finish_reason"),
                        count(usage, "input_tokens"), count(usage, "output_tokens"),
                        citations == null ? List.of() : Citation.of(citations));
            }
            case "error" -> new ChatEvent.Error(json.getString("message"));
            default -> throw new IllegalArgumentException("Not an event of a turn: " + json.getString("type"));
        };
    }

    private static Integer count(JsonObject usage, String name) {
        JsonValue value = usage == null ? null : usage.get(name);
        return value instanceof JsonNumber number ? number.intValue() : null;
    }
}
