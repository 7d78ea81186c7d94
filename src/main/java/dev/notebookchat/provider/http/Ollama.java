package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static dev.notebookchat.provider.http.WireJson.JSON;

/**
 * Ollama's native chat API ({@code POST /api/chat}), needing no key.
 *
 * <p>Stream: one JSON object per line (NDJSON), labelled {@code application/x-ndjson} by a local
 * Ollama and {@code application/json} (with a Content-Length) by Ollama Cloud. Text in
 * {@code message.content}; reasoning models put their thinking in {@code message.thinking}, left out
 * of the answer; lines with an empty {@code content} and {@code "done": false} are keep-alives. The last
 * line has {@code "done": true} (the end marker) with {@code done_reason}, {@code prompt_eval_count}
 * and {@code eval_count}. A failure while generating arrives as a {@code {"error": "..."}} line.
 */
public final class Ollama extends HttpChatProvider {

    private static final System.Logger LOG = System.getLogger(Ollama.class.getName());

    public Ollama(HttpTransport transport, ProviderSettings settings) {
        super("ollama", transport, settings);
    }

    @Override
    URI endpoint(ProviderRequest request) {
        return resolve(request.baseUrl(), "/api/chat");
    }

    @Override
    JsonObject body(ProviderRequest request) {
        JsonArrayBuilder messages = WireJson.chatMessages(request);
        return JSON.createObjectBuilder()
                .add("model", request.model())
                .add("messages", messages)
                .add("stream", request.streaming())
                .build();
    }

    @Override
    void headers(ProviderRequest request, HttpRequest.Builder builder) {
        // A key is optional: an Ollama behind an authenticating proxy may want one.
        if (request.apiKey() != null && !request.apiKey().isBlank()) {
            builder.header("Authorization", "Bearer " + request.apiKey());
        }
        builder.header("Accept", request.streaming() ? "application/x-ndjson" : "application/json");
    }

    @Override
    AnswerBody.Framing framing() {
        return AnswerBody.Framing.NDJSON;
    }

    @Override
    StreamParser streamParser(ProviderRequest request, AnswerSink sink) {
        return new StreamParser() {
            @Override
            public void line(String line) {
                if (line.isBlank()) {
                    return;
                }
                JsonObject frame = WireJson.parseObject(line);
                JsonValue error = WireJson.error(frame);
                if (error != null) {
                    sink.fail(ProviderFailure.inBand(name(), request, ProviderFailure.detail(error)));
                    return;
                }
                JsonObject message = WireJson.object(frame, "message");
                sink.reasoning(WireJson.string(message, "thinking"));
                String content = WireJson.string(message, "content");
                if (content != null) {
                    sink.token(content);
                }
                if (WireJson.isTrue(frame, "done")) {
                    sink.complete(WireJson.string(frame, "done_reason"), usage(frame));
                }
            }

            @Override
            public void end() {
                // "done": true is the only sign of a finished answer.
            }
        };
    }

    @Override
    void wholeAnswer(ProviderRequest request, JsonValue answer, AnswerSink sink) {
        JsonObject frame = answer.asJsonObject();
        String content = WireJson.string(WireJson.object(frame, "message"), "content");
        if (content != null) {
            sink.token(content);
        }
        if (WireJson.isTrue(frame, "done")) {
            sink.complete(WireJson.string(frame, "done_reason"), usage(frame));
        }
    }

    private static Usage usage(JsonObject frame) {
        return new Usage(WireJson.integer(frame, "prompt_eval_count"), WireJson.integer(frame, "eval_count"));
    }

    /** Where Ollama lists the models it holds. */
    public static URI tagsUrl(URI baseUrl) {
        return resolve(baseUrl, "/api/tags");
    }

    /** The models an Ollama {@code /api/tags} answer lists; none from an answer it cannot read. */
    public static List<ModelRef> tags(String body) {
        List<ModelRef> found = new ArrayList<>();
        try {
            JsonArray models = WireJson.array(WireJson.parseObject(body), "models");
            if (models != null) {
                for (JsonValue model : models) {
                    if (model.getValueType() == JsonValue.ValueType.OBJECT) {
                        JsonObject entry = model.asJsonObject();
                        String name = WireJson.string(entry, "name") != null ? WireJson.string(entry, "name") : WireJson.string(entry, "model");
                        if (name != null) {
                            try {
                                found.add(new ModelRef("ollama", name));
                            } catch (IllegalArgumentException notOurs) {
                                // a name no turn could ask for (a space in it): not offered
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException unreadable) {
            LOG.log(System.Logger.Level.DEBUG, "Unreadable Ollama model list", unreadable);
        }
        return found;
    }
}
