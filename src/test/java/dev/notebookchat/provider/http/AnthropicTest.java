package dev.notebookchat.provider.http;

import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderSettings;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AnthropicTest extends ProviderConformanceTest {

    @Override
    ChatProvider adapter(HttpTransport transport, ProviderSettings settings) {
        return new Anthropic(transport, settings, 1024);
    }

    @Override
    URI baseUrl(URI fakeRoot) {
        return URI.create(fakeRoot + "/v1");
    }

    @Override
    String inBandDetail() {
        return "Overloaded";
    }

    @Override
    void assertRequestShape(RecordedRequest request, JsonObject body, String model, boolean streaming) {
        assertEquals("/v1/messages", request.path());
        assertEquals(KEY, request.header("x-api-key").orElseThrow());
        assertEquals("2023-06-01", request.header("anthropic-version").orElseThrow());
        assertFalse(request.header("authorization").isPresent());
        assertEquals(model, body.getString("model"));
        assertEquals(1024, body.getInt("max_tokens"));
        assertEquals(SYSTEM, body.getString("system"), "the system prompt is a top-level field");
        assertEquals(1, body.getJsonArray("messages").size(), "no system message in the list");
        assertEquals("user", body.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertEquals(QUESTION, body.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(streaming ? JsonValue.TRUE : JsonValue.FALSE, body.get("stream"));
    }
}
