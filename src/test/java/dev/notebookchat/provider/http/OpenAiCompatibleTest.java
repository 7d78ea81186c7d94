package dev.notebookchat.provider.http;

import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderSettings;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Nested;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI wire format as each of the five providers that speak it is set up. */
class OpenAiCompatibleTest {

    /** What all five share; each nested class names its provider, base path and usage option. */
    abstract static class Dialect extends ProviderConformanceTest {

        abstract String provider();

        /** The path part of the provider's default base URL, e.g. {@code /openai/v1} for Groq. */
        abstract String basePath();

        abstract boolean sendsStreamOptions();

        @Override
        ChatProvider adapter(HttpTransport transport, ProviderSettings settings) {
            return OpenAiCompatible.forProvider(provider(), transport, settings);
        }

        @Override
        URI baseUrl(URI fakeRoot) {
            return URI.create(fakeRoot + basePath());
        }

        @Override
        String inBandDetail() {
            return "Provider disconnected unexpectedly";
        }

        @Override
        void assertRequestShape(RecordedRequest request, JsonObject body, String model, boolean streaming) {
            assertEquals("POST", request.method());
            assertEquals(basePath() + "/chat/completions", request.path());
            assertEquals("Bearer " + KEY, request.header("authorization").orElseThrow());
            assertEquals(model, body.getString("model"));
            assertEquals("system", body.getJsonArray("messages").getJsonObject(0).getString("role"));
            assertEquals(SYSTEM, body.getJsonArray("messages").getJsonObject(0).getString("content"));
            assertEquals("user", body.getJsonArray("messages").getJsonObject(1).getString("role"));
            assertEquals(streaming ? JsonValue.TRUE : JsonValue.FALSE, body.get("stream"));
            if (streaming && sendsStreamOptions()) {
                assertTrue(body.getJsonObject("stream_options").getBoolean("include_usage"));
            } else {
                assertFalse(body.containsKey("stream_options"), "only sent where accepted and wanted");
            }
            assertFalse(request.header("upgrade").isPresent(), "no h2c upgrade on plain HTTP");
        }
    }

    @Nested
    class OpenAi extends Dialect {
        String provider() { return "openai"; }
        String basePath() { return "/v1"; }
        boolean sendsStreamOptions() { return true; }
    }

    @Nested
    class Groq extends Dialect {
        String provider() { return "groq"; }
        String basePath() { return "/openai/v1"; }
        boolean sendsStreamOptions() { return true; }
    }

    @Nested
    class DeepSeek extends Dialect {
        String provider() { return "deepseek"; }
        String basePath() { return ""; }
        boolean sendsStreamOptions() { return true; }
    }

    /** Mistral answers 422 to stream_options and reports usage without it. */
    @Nested
    class Mistral extends Dialect {
        String provider() { return "mistral"; }
        String basePath() { return "/v1"; }
        boolean sendsStreamOptions() { return false; }
    }

    /** OpenRouter always reports usage and has deprecated stream_options. */
    @Nested
    class OpenRouter extends Dialect {
        String provider() { return "openrouter"; }
        String basePath() { return "/api/v1"; }
        boolean sendsStreamOptions() { return false; }
    }
}
