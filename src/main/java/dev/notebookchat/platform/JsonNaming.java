package dev.notebookchat.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import java.time.Instant;

/** The contract's JSON is snake_case ({@code notebook_id}), keeps null fields visible and writes UTC timestamps with milliseconds. */
@Provider
public class JsonNaming implements ContextResolver<Jsonb> {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true)
            .withSerializers(new InstantSerializer()));

    /** Timestamps as the contract shows them, with milliseconds always present. */
    public static class InstantSerializer implements JsonbSerializer<Instant> {
        @Override
        public void serialize(Instant instant, JsonGenerator generator, SerializationContext context) {
            generator.write(Clock.format(instant));
        }
    }

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }

    public static Jsonb jsonb() {
        return JSONB;
    }
}
