package dev.notebookchat.provider.fake;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request the fake provider received.
 *
 * @param method     e.g. {@code POST}
 * @param path       path and query as sent, e.g. {@code /v1/chat/completions}
 * @param headers    header names in lower case
 * @param body       the request body as text
 * @param format     the wire format the path selected
 * @param model      the requested model (from the body, or from the path for Gemini)
 * @param scenario   the scenario the model selected
 * @param attempt    how many requests for this format and model the server has seen, this one included
 * @param connection  a number per TCP connection, to tell reused connections apart
 * @param closeSignal completes when the client closes the connection
 * @param keepAlivesSent how many keep-alives the fake has sent so far in answer to this request
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body,
                              WireFormat format, String model, String scenario, int attempt, int connection,
                              CompletableFuture<Void> closeSignal, AtomicInteger keepAlivesSent) {

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Whether the client closed this request's connection while the server was still serving it, or since. */
    public boolean clientClosed() {
        return closeSignal.isDone();
    }

    /** Waits up to {@code timeout} for the client to close the connection; {@code true} if it did. */
    public boolean awaitClientClosed(Duration timeout) throws InterruptedException {
        try {
            closeSignal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException notYet) {
            return false;
        } catch (ExecutionException impossible) {
            return true;
        }
    }
}
