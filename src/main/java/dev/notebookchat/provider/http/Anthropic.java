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
import java.net.http.HttpRequest;

import static dev.notebookchat.provider.http.WireJson.JSON;

/**
 * Anthropic's Messages API.
 *
 * <p>Stream: named events. {@code message_start} carries {@code usage.input_tokens};
 * {@code content_block_delta} carries a {@code text_delta} (answer) or a {@code thinking_delta} /
 * {@code signature_delta} (reasoning, left out); {@code message_delta} carries {@code stop_reason} and
 * the cumulative {@code usage.output_tokens}; {@code message_stop} is the end marker; {@code ping}
 * keeps the connection alive; {@code event: error} reports a failure (e.g. {@code overloaded_error})
 * inside the 200 stream.
 */
public final class Anthropic extends HttpChatProvider {

    /** The API version whose event shapes this adapter reads. */
    static final String API_VERSION = "2023-06-01";

    private final int maxTokens;

    /** @param maxTokens {@code max_tokens}, which Anthropic requires on every request */
    public Anthropic(HttpTransport transport, ProviderSettings settings, int maxTokens) {
        super("anthropic", transport, settings);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
        this.maxTokens = maxTokens;
    }

    @Override
    URI endpoint(ProviderRequest request) {
        return resolve(request.baseUrl(), "/messages");
    }

    @Override
    JsonObject body(ProviderRequest request) {
        JsonArrayBuilder messages = JSON.createArrayBuilder();
        for (ProviderRequest.PromptMessage message : request.messages()) {
            messages.add(JSON.createObjectBuilder()
                    .add("role", message.role() == ProviderRequest.Role.USER ? "user" : "assistant")
                    .add("content", message.content()));
        }
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", request.model())
                .add("max_tokens", maxTokens);
        if (request.system() != null && !request.system().isBlank()) {
            body.add("system", request.system());
        }
        return body.add("messages", messages).add("stream", request.streaming()).build();
    }

    @Override
    void headers(ProviderRequest request, HttpRequest.Builder builder) {
        if (request.apiKey() != null && !request.apiKey().isBlank()) {
            builder.header("x-api-key", request.apiKey());
        }
        builder.header("anthropic-version", API_VERSION);
        builder.header("Accept", request.streaming() ? "text/event-stream" : "application/json");
    }

    @Override
    StreamParser streamParser(ProviderRequest request, AnswerSink sink) {
        return new SseFrames(new Events(request, sink));
    }

    @Override
    void wholeAnswer(ProviderRequest request, JsonValue answer, AnswerSink sink) {
        JsonObject message = answer.asJsonObject();
        JsonArray content = WireJson.array(message, "content");
        if (content == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (JsonValue block : content) {
            if (block.getValueType() == JsonValue.ValueType.OBJECT && "text".equals(WireJson.string(block.asJsonObject(), "type"))) {
                String piece = WireJson.string(block.asJsonObject(), "text");
                text.append(piece == null ? "" : piece);
            }
        }
        JsonObject usage = WireJson.object(message, "usage");
        sink.token(text.toString());
        sink.complete(WireJson.string(message, "stop_reason"),
                new Usage(WireJson.integer(usage, "input_tokens"), WireJson.integer(usage, "output_tokens")));
    }

    /** Reads the events of one streamed answer. */
    private final class Events implements SseFrames.Handler {

        private final ProviderRequest request;
        private final AnswerSink sink;
        private Integer inputTokens;
        private Integer outputTokens;
        private String stopReason;

        Events(ProviderRequest request, AnswerSink sink) {
            this.request = request;
            this.sink = sink;
        }

        @Override
        public void event(String type, String data) {
            JsonObject event = WireJson.parseObject(data);
            // The JSON "type" repeats the event name; trust it, as the event line is optional in SSE.
            String kind = WireJson.string(event, "type");
            if (kind == null) {
                kind = type == null ? "" : type;
            }
            switch (kind) {
                case "message_start" -> {
                    JsonObject usage = WireJson.object(WireJson.object(event, "message"), "usage");
                    inputTokens = WireJson.integer(usage, "input_tokens");
                    outputTokens = WireJson.integer(usage, "output_tokens");
                }
                case "content_block_delta" -> {
                    JsonObject delta = WireJson.object(event, "delta");
                    String deltaType = WireJson.string(delta, "type");
                    if ("text_delta".equals(deltaType)) {
                        String text = WireJson.string(delta, "text");
                        if (text != null) {
                            sink.token(text);
                        }
                    } else if ("thinking_delta".equals(deltaType)) {
                        sink.reasoning(WireJson.string(delta, "thinking"));
                    }
                }
                case "message_delta" -> {
                    String stop = WireJson.string(WireJson.object(event, "delta"), "stop_reason");
                    if (stop != null) {
                        stopReason = stop;
                    }
                    JsonObject usage = WireJson.object(event, "usage");
                    Integer output = WireJson.integer(usage, "output_tokens");
                    if (output != null) {
                        outputTokens = output;
                    }
                    Integer input = WireJson.integer(usage, "input_tokens");
                    if (input != null) {
                        inputTokens = input;
                    }
                }
                case "message_stop" -> sink.complete(stopReason, new Usage(inputTokens, outputTokens));
                case "error" -> sink.fail(ProviderFailure.inBand(name(), request,
                        ProviderFailure.detail(WireJson.error(event) == null ? event : WireJson.error(event))));
                default -> {
                    // ping, content_block_start, content_block_stop, and event types added later
                }
            }
        }
    }
}
