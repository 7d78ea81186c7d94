package dev.notebookchat.platform;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Type;
import java.time.Instant;

/**
 * The contract's JSON: snake_case names ({@code notebook_id}), null fields kept visible, UTC
 * timestamps with milliseconds, and text fields that only take JSON strings.
 */
@Provider
public class JsonNaming implements ContextResolver<Jsonb> {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true)
            .withSerializers(new InstantSerializer())
            .withDeserializers(new StrictString()));

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }

    public static Jsonb jsonb() {
        return JSONB;
    }

    /** Timestamps as the contract shows them, with milliseconds always present. */
    public static class InstantSerializer implements JsonbSerializer<Instant> {
        @Override
        public void serialize(Instant instant, JsonGenerator generator, SerializationContext context) {
            generator.write(Clock.format(instant));
        }
    }

    /**
     * A text field given a number, a boolean or an object is a client error, not something to
     * coerce: JSON-B would turn {@code {"name": 5}} into {@code "5"} without a word.
     */
    public static class StrictString implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            return switch (value.getValueType()) {
                case STRING -> ((JsonString) value).getString();
                case NULL -> null;
                default -> throw new JsonbException("Expected a JSON string but found " + value.getValueType());
            };
        }
    }
}
