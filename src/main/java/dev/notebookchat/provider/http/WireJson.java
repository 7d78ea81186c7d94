package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ProviderRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.Map;

/**
 * Lenient reads of provider JSON. Providers add fields, send {@code null} for absent ones and change
 * numbers' shapes; a missing or mistyped field reads as absent instead of throwing.
 */
final class WireJson {

    /**
     * {@code JSON.createReader} and its kin look the provider up again on every call, which costs far
     * more than reading a frame; the provider and the reader factory are looked up once instead.
     */
    static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonReaderFactory READERS = JSON.createReaderFactory(Map.of());

    private WireJson() {
    }

    /**
     * The conversation as OpenAI-style chat messages ({@code system}, then {@code user} and
     * {@code assistant} turns), which Ollama's native chat takes too.
     */
    static JsonArrayBuilder chatMessages(ProviderRequest request) {
        JsonArrayBuilder messages = JSON.createArrayBuilder();
        if (request.system() != null && !request.system().isBlank()) {
            messages.add(JSON.createObjectBuilder().add("role", "system").add("content", request.system()));
        }
        for (ProviderRequest.PromptMessage message : request.messages()) {
            messages.add(JSON.createObjectBuilder()
                    .add("role", message.role() == ProviderRequest.Role.USER ? "user" : "assistant")
                    .add("content", message.content()));
        }
        return messages;
    }

    /** Parses a frame or body; throws {@link jakarta.json.JsonException} if it is not JSON. */
    static JsonValue parse(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    static JsonObject parseObject(String text) {
        JsonValue value = parse(text);
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new jakarta.json.JsonException("expected a JSON object, got " + value.getValueType());
        }
        return value.asJsonObject();
    }

    static JsonObject object(JsonObject parent, String field) {
        JsonValue value = parent == null ? null : parent.get(field);
        return value != null && value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
    }

    static JsonArray array(JsonObject parent, String field) {
        JsonValue value = parent == null ? null : parent.get(field);
        return value != null && value.getValueType() == JsonValue.ValueType.ARRAY ? value.asJsonArray() : null;
    }

    static String string(JsonObject parent, String field) {
        JsonValue value = parent == null ? null : parent.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }

    static Integer integer(JsonObject parent, String field) {
        JsonValue value = parent == null ? null : parent.get(field);
        return value instanceof JsonNumber n ? n.intValue() : null;
    }

    static boolean isTrue(JsonObject parent, String field) {
        return parent != null && parent.get(field) == JsonValue.TRUE;
    }

    /** The error a frame or body carries, or {@code null}: {@code "error"} as object or string. */
    static JsonValue error(JsonObject frame) {
        JsonValue value = frame == null ? null : frame.get("error");
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : value;
    }

    static JsonObject first(JsonArray array) {
        if (array == null || array.isEmpty() || array.get(0).getValueType() != JsonValue.ValueType.OBJECT) {
            return null;
        }
        return array.getJsonObject(0);
    }
}
