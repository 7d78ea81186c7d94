package dev.notebookchat.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/** The contract's JSON is snake_case ({@code notebook_id}) and keeps null fields visible. */
@Provider
public class JsonNaming implements ContextResolver<Jsonb> {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true));

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }

    public static Jsonb jsonb() {
        return JSONB;
    }
}
