package dev.notebookchat.bench;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * Watches one streamed turn as it arrives: reads the SSE lines the HTTP client hands over (on its own
 * executor, no thread of its own) and notes when the response headers, the first {@code token}, every
 * further token and {@code complete} arrived. It keeps only timestamps, never the text.
 */
final class StreamProbe implements Flow.Subscriber<String> {

    /** Reused: {@link Json#createReader} would look the provider up again for every event. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    /** How a stream ended. Only {@link #OK} streams count towards the latency figures. */
    enum Outcome {
        OK("ok"),
        HTTP_STATUS("non-200 answer"),
        ERROR_EVENT("error event"),
        MISSING_COMPLETE("ended without complete"),
        TIMEOUT("timed out"),
        IO_FAILURE("connection failed");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** What one stream measured; times are {@link System#nanoTime()} values, -1 when it never happened. */
    record Result(Outcome outcome, String detail, long sent, long headers, long firstToken, long complete, long end,
                  int tokens, long[] gaps) {

        long timeToHeaders() {
            return headers < 0 ? -1 : headers - sent;
        }

        long timeToFirstToken() {
            return firstToken < 0 ? -1 : firstToken - sent;
        }

        long turnTime() {
            return complete < 0 ? -1 : complete - sent;
        }
    }

    private final long sent;

    // Written by the HTTP client's callbacks, which the Flow contract runs one at a time; read after the
    // exchange's future completed, which orders them before the read.
    private volatile int status = -1;
    private volatile long headers = -1;
    private long firstToken = -1;
    private long lastToken = -1;
    private long complete = -1;
    private long end = -1;
    private int tokens;
    private long[] gaps = new long[64];
    private int gapCount;
    private boolean errorEvent;
    private String errorMessage;
    private StringBuilder data;
    private volatile boolean timedOut;

    StreamProbe(long sent) {
        this.sent = sent;
    }

    /** The body handler: lines to this probe on 200, otherwise the error body as text. */
    HttpResponse.BodyHandler<String> handler() {
        return info -> {
            headers = System.nanoTime();
            status = info.statusCode();
            if (status == 200) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(this, probe -> "", StandardCharsets.UTF_8, null);
            }
            return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        };
    }

    void timedOut() {
        timedOut = true;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                dispatch(data.toString(), System.nanoTime());
            }
            data = null;
        } else if (line.startsWith("data:")) {
            String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
        // id: lines and : keep-alive comments carry nothing the figures need
    }

    private void dispatch(String json, long now) {
        JsonObject event;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            event = reader.readObject();
        } catch (JsonException e) {
            errorEvent = true;
            errorMessage = "unreadable event: " + json;
            return;
        }
        switch (event.getString("type", "")) {
            case "token" -> {
                if (firstToken < 0) {
                    firstToken = now;
                } else {
                    if (gapCount == gaps.length) {
                        gaps = Arrays.copyOf(gaps, gaps.length * 2);
                    }
                    gaps[gapCount++] = now - lastToken;
                }
                lastToken = now;
                tokens++;
            }
            case "complete" -> complete = now;
            case "error" -> {
                errorEvent = true;
                errorMessage = event.getString("message", "");
            }
            default -> {
                // user_message, ai_message_complete
            }
        }
    }

    @Override
    public void onError(Throwable throwable) {
        end = System.nanoTime();
    }

    @Override
    public void onComplete() {
        end = System.nanoTime();
    }

    /** Called once the exchange's future completed, with its response or its failure. */
    Result result(HttpResponse<String> response, Throwable failure) {
        long finished = end > 0 ? end : System.nanoTime();
        long[] measuredGaps = Arrays.copyOf(gaps, gapCount);
        if (timedOut) {
            return new Result(Outcome.TIMEOUT, "no complete within the stream timeout", sent, headers, firstToken, -1, finished, tokens, measuredGaps);
        }
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new Result(Outcome.IO_FAILURE, cause.toString(), sent, headers, firstToken, -1, finished, tokens, measuredGaps);
        }
        if (response.statusCode() != 200) {
            String body = response.body() == null ? "" : response.body();
            return new Result(Outcome.HTTP_STATUS, "HTTP " + response.statusCode() + " " + shortened(body),
                    sent, headers, -1, -1, finished, 0, new long[0]);
        }
        if (errorEvent) {
            return new Result(Outcome.ERROR_EVENT, shortened(errorMessage), sent, headers, firstToken, -1, finished, tokens, measuredGaps);
        }
        if (complete < 0) {
            return new Result(Outcome.MISSING_COMPLETE, "the stream closed before its complete event",
                    sent, headers, firstToken, -1, finished, tokens, measuredGaps);
        }
        return new Result(Outcome.OK, "", sent, headers, firstToken, complete, finished, tokens, measuredGaps);
    }

    private static String shortened(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
