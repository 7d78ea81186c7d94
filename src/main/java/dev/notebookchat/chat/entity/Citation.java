package dev.notebookchat.chat.entity;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A passage an answer draws on: of a source or of a note (exactly one of the ids is set), its number
 * in the item (from 1), the item's title and the passage's text. Written as the contract has it,
 * {@code {"source_id" | "note_id": ..., "title": ..., "passage": n, "text": ...}}, in the
 * {@code complete} event and, as the same JSON text, in {@code chat_message.citations}.
 */
public record Citation(String sourceId, String noteId, String title, int passage, String text) {

    public Citation {
        if ((sourceId == null) == (noteId == null)) {
            throw new IllegalArgumentException("A citation names a source or a note, exactly one");
        }
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
    }

    public JsonObject toJson() {
        JsonObjectBuilder json = EventJson.JSON.createObjectBuilder();
        if (sourceId != null) {
            json.add("source_id", sourceId);
        } else {
            json.add("note_id", noteId);
        }
        return json.add("title", title).add("passage", passage).add("text", text).build();
    }

    public static Citation of(JsonObject json) {
        return new Citation(json.getString("source_id", null), json.getString("note_id", null),
                json.getString("title"), json.getInt("passage"), json.getString("text"));
    }

    public static JsonArray toJson(List<Citation> citations) {
        JsonArrayBuilder array = EventJson.JSON.createArrayBuilder();
        citations.forEach(c -> array.add(c.toJson()));
        return array.build();
    }

    public static List<Citation> of(JsonArray array) {
        List<Citation> citations = new ArrayList<>(array.size());
        for (JsonValue value : array) {
            citations.add(of(value.asJsonObject()));
        }
        return List.copyOf(citations);
    }

    /** The column's text: {@code null} when there are none, so answers without citations store nothing. */
    public static String columnText(List<Citation> citations) {
        return citations == null || citations.isEmpty() ? null : toJson(citations).toString();
    }

    /** What {@link #columnText} wrote; none for {@code null}. */
    public static List<Citation> fromColumn(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try (var reader = EventJson.JSON.createReader(new StringReader(text))) {
            return of(reader.readArray());
        }
    }
}
