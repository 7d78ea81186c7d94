package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Set;

import static dev.notebookchat.provider.http.WireJson.JSON;

/**
 * The OpenAI chat-completions wire format, spoken by OpenAI, Groq, DeepSeek, Mistral and OpenRouter
 * (and by Ollama's and many local servers' compatibility endpoints).
 *
 * <p>Stream: {@code data: {chunk}} events, text in {@code choices[0].delta.content}, a chunk with
 * {@code finish_reason}, with {@code stream_options.include_usage} one more chunk with empty
 * {@code choices} and the usage, then {@code data: [DONE]}, the end marker. Reasoning arrives beside
 * the answer ({@code delta.reasoning_content} from DeepSeek, {@code delta.reasoning} from others) and is
 * left out. Errors arrive in-band as {@code data: {"error": ...}}, from OpenRouter also as
 * {@code finish_reason: "error"}.
 */
public final class OpenAiCompatible extends HttpChatProvider {

    /**
     * Providers that reject {@code stream_options} or ignore it. Mistral answers 422 "Extra inputs are
     * not permitted" and reports usage in its last chunk anyway; OpenRouter always reports usage and has
     * deprecated the option.
     */
    private static final Set<String> WITHOUT_STREAM_OPTIONS = Set.of("mistral", "openrouter");

    private final boolean sendsStreamOptions;

    /**
     * @param name               the provider, e.g. {@code groq}; it names the provider in messages
     * @param sendsStreamOptions whether to ask for usage with {@code stream_options.include_usage}
     */
    public OpenAiCompatible(String name, boolean sendsStreamOptions, HttpTransport transport, ProviderSettings settings) {
        super(name, transport, settings);
        this.sendsStreamOptions = sendsStreamOptions;
    }

    /** The adapter for a known provider, with the request options that provider accepts. */
    public static OpenAiCompatible forProvider(String name, HttpTransport transport, ProviderSettings settings) {
        return new OpenAiCompatible(name, !WITHOUT_STREAM_OPTIONS.contains(name.toLowerCase(Locale.ROOT)), transport, settings);
    }

    @Override
    URI endpoint(ProviderRequest request) {
        return resolve(request.baseUrl(), "/chat/completions");
    }

    @Override
    JsonObject body(ProviderRequest request) {
        JsonArrayBuilder messages = WireJson.chatMessages(request);
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", request.model())
                .add("messages", messages)
                .add("stream", request.streaming());
        if (request.streaming() && sendsStreamOptions) {
            body.add("stream_options", JSON.createObjectBuilder().add("include_usage", true));
        }
        return body.build();
    }

    @Override
    void headers(ProviderRequest request, HttpRequest.Builder builder) {
        if (request.apiKey() != null && !request.apiKey().isBlank()) {
            builder.header("Authorization", "Bearer " + request.apiKey());
        }
        builder.header("Accept", request.streaming() ? "text/event-stream" : "application/json");
    }

    @Override
    StreamParser streamParser(ProviderRequest request, AnswerSink sink) {
        return new SseFrames(new Chunks(request, sink));
    }

    @Override
    void wholeAnswer(ProviderRequest request, JsonValue answer, AnswerSink sink) {
        JsonObject body = answer.asJsonObject();
        JsonObject choice = WireJson.first(WireJson.array(body, "choices"));
        String text = WireJson.string(WireJson.object(choice, "message"), "content");
        String finish = WireJson.string(choice, "finish_reason");
        if ("error".equals(finish)) {
            sink.fail(ProviderFailure.inBand(name(), request, "the model stopped with an error"));
            return;
        }
        if (text == null) {
            return;
        }
        sink.token(text);
        sink.complete(finish, usage(body));
    }

    /** Token counts from a chunk or answer: {@code usage}, or Groq's older {@code x_groq.usage}. */
    private static Usage usage(JsonObject body) {
        return OpenAiChunk.usage(WireJson.object(body, "usage"), WireJson.object(WireJson.object(body, "x_groq"), "usage"));
    }

    /** Reads the chunks of one streamed answer. */
    private final class Chunks implements SseFrames.Handler {

        private final ProviderRequest request;
        private final AnswerSink sink;
        private String finishReason;
        private Usage usage;

        Chunks(ProviderRequest request, AnswerSink sink) {
            this.request = request;
            this.sink = sink;
        }

        @Override
        public void event(String type, String data) {
            if ("[DONE]".equals(data.strip())) {
                sink.complete(finishReason, usage);
                return;
            }
            OpenAiChunk chunk = OpenAiChunk.read(data);
            if (chunk.error() != null) {
                sink.fail(ProviderFailure.inBand(name(), request, ProviderFailure.detail(chunk.error())));
                return;
            }
            if (chunk.usage() != null && chunk.usage().known()) {
                usage = chunk.usage();
            }
            if (!chunk.hasChoice()) {
                return; // the usage chunk
            }
            sink.reasoning(chunk.reasoningContent());
            sink.reasoning(chunk.reasoning());
            if (chunk.content() != null) {
                sink.token(chunk.content());
            }
            String finish = chunk.finishReason();
            if ("error".equals(finish)) {
                sink.fail(ProviderFailure.inBand(name(), request, "the model stopped with an error"));
            } else if (finish != null) {
                finishReason = finish;
            }
        }
    }
}
