package dev.notebookchat.provider.http;

import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderSettings;
import jakarta.json.JsonObject;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GeminiTest extends ProviderConformanceTest {

    @Override
    ChatProvider adapter(HttpTransport transport, ProviderSettings settings) {
        return new Gemini(transport, settings);
    }

    @Override
    URI baseUrl(URI fakeRoot) {
        return URI.create(fakeRoot + "/v1beta");
    }

    @Override
    String inBandDetail() {
        return "The model is overloaded. Please try again later.";
    }

    @Override
    void assertRequestShape(RecordedRequest request, JsonObject body, String model, boolean streaming) {
        assertEquals("/v1beta/models/" + model + (streaming ? ":streamGenerateContent?alt=sse" : ":generateContent"),
                request.path());
        assertEquals(KEY, request.header("x-goog-api-key").orElseThrow());
        assertFalse(request.path().contains("key="), "the key never travels in the URL");
        assertEquals(SYSTEM, body.getJsonObject("systemInstruction").getJsonArray("parts").getJsonObject(0).getString("text"));
        JsonObject first = body.getJsonArray("contents").getJsonObject(0);
        assertEquals("user", first.getString("role"));
        assertEquals(QUESTION, first.getJsonArray("parts").getJsonObject(0).getString("text"));
    }
}
