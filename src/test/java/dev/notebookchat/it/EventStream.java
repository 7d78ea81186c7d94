package dev.notebookchat.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Server-Sent Events response line by line as it arrives, the way a browser does, and
 * records when each event was complete, so tests can tell a stream from a burst.
 */
public final class EventStream {

    /** One dispatched event: its id, its JSON data, and when its blank line arrived. */
    public record Event(String id, JsonObject data, long arrivedNanos) {
        public String type() {
            return data.getString("type");
        }
    }

    public record Result(int status, HttpResponse<InputStream> response, List<Event> events, List<String> comments,
                         String errorBody) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** A stream refused before it started is an ordinary JSON answer. */
        public Api.Response refusal() {
            if (status == 200) {
                throw new IllegalStateException("the stream started: " + events);
            }
            return new Api.Response(status, errorBody, response);
        }
    }

    private EventStream() {
    }

    public static Result post(Api api, String path, JsonObject body) {
        return post(api, path, body, event -> { });
    }

    public static Result post(Api api, String path, JsonObject body, java.util.function.Consumer<Event> onEvent) {
        return post(api, path, body.toString(), onEvent);
    }

    /** With the body sent exactly as given, malformed or not. */
    public static Result post(Api api, String path, String rawBody) {
        return post(api, path, rawBody, event -> { });
    }

    private static Result post(Api api, String path, String rawBody, java.util.function.Consumer<Event> onEvent) {
        return read(api.request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(rawBody)), onEvent);
    }

    public static Result read(HttpRequest.Builder request) {
        return read(request, event -> { });
    }

    /** {@code onEvent} sees each event as soon as it arrived, while the stream is still open. */
    public static Result read(HttpRequest.Builder request, java.util.function.Consumer<Event> onEvent) {
        return read(request, onEvent, event -> false);
    }

    /**
     * Reads until {@code enough} accepts an event, then hangs up mid-stream the way a closed browser
     * tab does: the response body is closed while the server is still writing.
     */
    public static Result readThenHangUp(HttpRequest.Builder request, java.util.function.Predicate<Event> enough) {
        return read(request, event -> { }, enough);
    }

    private static Result read(HttpRequest.Builder request, java.util.function.Consumer<Event> onEvent,
                               java.util.function.Predicate<Event> enough) {
        return read(Api.HTTP, request, onEvent, enough);
    }

    /** As {@link #readThenHangUp}, through a client of the caller's (one whose connections a test can let go of). */
    public static Result read(java.net.http.HttpClient client, HttpRequest.Builder request,
                              java.util.function.Consumer<Event> onEvent, java.util.function.Predicate<Event> enough) {
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    return new Result(response.statusCode(), response, List.of(), List.of(),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                return parse(response, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), onEvent, enough);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Result parse(HttpResponse<InputStream> response, BufferedReader lines,
                                java.util.function.Consumer<Event> onEvent,
                                java.util.function.Predicate<Event> enough) throws IOException {
        List<Event> events = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        String id = null;
        StringBuilder data = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (data != null) {
                    try (var reader = Json.createReader(new StringReader(data.toString()))) {
                        Event event = new Event(id, reader.readObject(), System.nanoTime());
                        events.add(event);
                        onEvent.accept(event);
                        if (enough.test(event)) {
                            break;
                        }
                    }
                }
                id = null;
                data = null;
            } else if (line.startsWith(":")) {
                comments.add(line.substring(1).strip());
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        }
        return new Result(response.statusCode(), response, events, comments, null);
    }
}
