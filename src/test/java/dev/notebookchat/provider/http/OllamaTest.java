package dev.notebookchat.provider.http;

import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderSettings;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OllamaTest extends ProviderConformanceTest {

    @Override
    ChatProvider adapter(HttpTransport transport, ProviderSettings settings) {
        return new Ollama(transport, settings);
    }

    @Override
    URI baseUrl(URI fakeRoot) {
        return fakeRoot;
    }

    @Override
    String inBandDetail() {
        return "an error was encountered while running the model: unexpected EOF";
    }

    @Override
    void assertRequestShape(RecordedRequest request, JsonObject body, String model, boolean streaming) {
        assertEquals("/api/chat", request.path());
        assertEquals(model, body.getString("model"));
        assertEquals("system", body.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertEquals(SYSTEM, body.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(QUESTION, body.getJsonArray("messages").getJsonObject(1).getString("content"));
        assertEquals(streaming ? JsonValue.TRUE : JsonValue.FALSE, body.get("stream"));
    }
}
