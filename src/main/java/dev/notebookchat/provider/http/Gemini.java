package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static dev.notebookchat.provider.http.WireJson.JSON;

/**
 * Google's Gemini API ({@code generateContent}), provider name {@code google}.
 *
 * <p>Stream ({@code :streamGenerateContent?alt=sse}): {@code data: {GenerateContentResponse}} events
 * whose lines end in CRLF; text in {@code candidates[0].content.parts[].text}, parts marked
 * {@code "thought": true} are reasoning and left out; {@code usageMetadata} with
 * {@code promptTokenCount} and {@code candidatesTokenCount}. There is no end marker: the answer is
 * finished when a chunk carried {@code finishReason} and then the body ended. A body that ends without
 * any {@code finishReason} is truncated. Errors arrive as {@code data: {"error": ...}}.
 */
public final class Gemini extends HttpChatProvider {

    public Gemini(HttpTransport transport, ProviderSettings settings) {
        super("google", transport, settings);
    }

    @Override
    URI endpoint(ProviderRequest request) {
        String model = request.model().startsWith("models/") ? request.model().substring("models/".length()) : request.model();
        // The model is a path segment: encode it, but keep the colon-free names readable.
        String segment = URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
        return resolve(request.baseUrl(), "/models/" + segment
                + (request.streaming() ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    }

    @Override
    JsonObject body(ProviderRequest request) {
        JsonArrayBuilder contents = JSON.createArrayBuilder();
        for (ProviderRequest.PromptMessage message : request.messages()) {
            contents.add(JSON.createObjectBuilder()
                    .add("role", message.role() == ProviderRequest.Role.USER ? "user" : "model")
                    .add("parts", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("text", message.content()))));
        }
        JsonObjectBuilder body = JSON.createObjectBuilder();
        if (request.system() != null && !request.system().isBlank()) {
            body.add("systemInstruction", JSON.createObjectBuilder()
                    .add("parts", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("text", request.system()))));
        }
        return body.add("contents", contents).build();
    }

    @Override
    void headers(ProviderRequest request, HttpRequest.Builder builder) {
        if (request.apiKey() != null && !request.apiKey().isBlank()) {
            builder.header("x-goog-api-key", request.apiKey());
        }
        builder.header("Accept", request.streaming() ? "text/event-stream" : "application/json");
    }

    @Override
    StreamParser streamParser(ProviderRequest request, AnswerSink sink) {
        Chunks chunks = new Chunks(request, sink, false);
        return new SseFrames(new SseFrames.Handler() {
            @Override
            public void event(String type, String data) {
                chunks.read(WireJson.parseObject(data));
            }

            @Override
            public void end() {
                chunks.end();
            }
        });
    }

    /** Without {@code alt=sse} Gemini answers a JSON array of the same chunks; {@code generateContent} one chunk. */
    @Override
    void wholeAnswer(ProviderRequest request, JsonValue answer, AnswerSink sink) {
        Chunks chunks = new Chunks(request, sink, true);
        if (answer.getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue chunk : answer.asJsonArray()) {
                if (chunk.getValueType() == JsonValue.ValueType.OBJECT) {
                    chunks.read(chunk.asJsonObject());
                }
            }
        } else {
            chunks.read(answer.asJsonObject());
        }
        chunks.end();
    }

    /** Reads the chunks of one answer; streamed chunks report text as it comes, whole ones all at the end. */
    private final class Chunks {

        private final ProviderRequest request;
        private final AnswerSink sink;
        private final boolean whole;
        private final StringBuilder collected = new StringBuilder();
        private String finishReason;
        private Usage usage;
        private boolean failed;

        Chunks(ProviderRequest request, AnswerSink sink, boolean whole) {
            this.request = request;
            this.sink = sink;
            this.whole = whole;
        }

        void read(JsonObject chunk) {
            if (failed) {
                return;
            }
            JsonValue error = WireJson.error(chunk);
            if (error != null) {
                fail(ProviderFailure.detail(error));
                return;
            }
            JsonObject usageMetadata = WireJson.object(chunk, "usageMetadata");
            if (usageMetadata != null) {
                usage = new Usage(WireJson.integer(usageMetadata, "promptTokenCount"),
                        WireJson.integer(usageMetadata, "candidatesTokenCount"));
            }
            JsonObject candidate = WireJson.first(WireJson.array(chunk, "candidates"));
            if (candidate == null) {
                String blocked = WireJson.string(WireJson.object(chunk, "promptFeedback"), "blockReason");
                if (blocked != null) {
                    fail("the prompt was blocked (" + blocked + ")");
                }
                return;
            }
            JsonArray parts = WireJson.array(WireJson.object(candidate, "content"), "parts");
            if (parts != null) {
                for (JsonValue part : parts) {
                    if (part.getValueType() != JsonValue.ValueType.OBJECT) {
                        continue;
                    }
                    String text = WireJson.string(part.asJsonObject(), "text");
                    if (WireJson.isTrue(part.asJsonObject(), "thought")) {
                        sink.reasoning(text);
                        continue;
                    }
                    if (text != null) {
                        if (whole) {
                            collected.append(text);
                        } else {
                            sink.token(text);
                        }
                    }
                }
            }
            String finish = WireJson.string(candidate, "finishReason");
            if (finish != null) {
                finishReason = finish;
            }
        }

        void end() {
            if (failed) {
                return;
            }
            if (whole) {
                sink.token(collected.toString());
                sink.complete(finishReason, usage);
            } else if (finishReason != null) {
                sink.complete(finishReason, usage);
            }
            // else: no finishReason, so the body ended early; the exchange reports it truncated.
        }

        private void fail(String detail) {
            failed = true;
            sink.fail(ProviderFailure.inBand(name(), request, detail));
        }
    }
}
