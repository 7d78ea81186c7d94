package dev.notebookchat.provider.fake;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A provider that misbehaves on request: it speaks the four wire formats (OpenAI chat completions,
 * Anthropic Messages, Gemini, Ollama) from the transcripts in {@code provider-transcripts/}, and picks
 * a scenario per request from the requested model name, so a test anywhere (an adapter test, or an
 * end-to-end test through {@code model_override}, e.g. {@code openai/slow}) chooses the behaviour.
 * See {@link #scenario(String)}. {@code rate-limited} counts attempts per model name: odd ones get 429;
 * {@code closed-once} closes the connection on odd attempts without answering, then answers.
 * {@code endless} answers like {@code truncated}, then repeats its last content frame every
 * {@link #ENDLESS_PACING} until the client closes the connection: a turn that never ends by itself.
 * {@code counting} (OpenAI format) counts {@code 1 2 3 …}, a token every {@link #COUNTING_PACING}, until the
 * test {@linkplain #holdCounting holds} or {@linkplain #endCounting ends} it: an answer as long as a test
 * needs, whose exact text {@link #counted(String)} tells. The scenarios are listed in docs/providers.md.
 *
 * <p>Raw sockets rather than an HTTP server library: the tests need to control every byte and pause
 * (a UTF-8 character split across writes, a body cut short) and to see the client close its connection.
 * It listens on 127.0.0.1 only.
 *
 * <p>Standalone: {@code java -cp <test classpath> dev.notebookchat.provider.fake.FakeProviderServer 9955}.
 * Recorded requests are also served as JSON at {@code GET /_fake/requests}; {@code DELETE /_fake/requests}
 * forgets them and resets the attempt counters.
 */
public final class FakeProviderServer implements AutoCloseable {

    /** Every scenario, by the model name that selects it. */
    public static final List<String> SCENARIOS = List.of(
            "ok", "slow", "reasoning", "comments", "split-utf8", "non-streaming",
            "unauthorized", "not-found", "bad-request", "rate-limited", "overloaded",
            "inband-error", "truncated", "dropped", "stall-first", "stall-mid", "hang-headers", "closed-once",
            "pings", "keep-alives", "tokens-then-keep-alives", "long-thinking", "mislabelled", "sse-as-text",
            "whole-as-text", "unrecognised", "endless", "counting");

    /** Gap between frames in {@code slow}, and the pause inside the split character of {@code split-utf8}. */
    public static final Duration SLOW_PACING = Duration.ofMillis(50);

    /** Gap between the keep-alives of {@code pings}, {@code keep-alives} and {@code tokens-then-keep-alives}. */
    public static final Duration KEEP_ALIVE_PACING = Duration.ofMillis(50);

    /** {@code long-thinking} sends this many reasoning frames, {@link #THINKING_PACING} apart, before its answer. */
    public static final int THINKING_FRAMES = 21;
    public static final Duration THINKING_PACING = Duration.ofMillis(100);

    /**
     * {@code paced-<tokens>-<ms>} (OpenAI format only): {@code tokens} content frames, the first at once,
     * then one every {@code ms} milliseconds on a fixed schedule (no drift), then the usual ending.
     * Each token's text is {@link #PACED_WORD} followed by the epoch microseconds at which it was written,
     * e.g. {@code " tok1764500000123456"}, so a client reading the stream through any relay can tell each
     * token's latency (arrival minus that stamp) on this machine's clock.
     */
    public static final java.util.regex.Pattern PACED = java.util.regex.Pattern.compile("paced-(\\d{1,6})-(\\d{1,6})");
    public static final String PACED_WORD = "tok";

    private static final Set<String> ANSWERING = Set.of("ok", "slow", "reasoning", "comments", "split-utf8", "rate-limited",
            "long-thinking", "mislabelled", "sse-as-text");

    /** Gap between the tokens of {@code counting}. */
    public static final Duration COUNTING_PACING = Duration.ofMillis(100);

    private static final String OPENAI_CONTENT_END = "\"},\"finish_reason\":null}]}\n\n";

    /** Gap between the repeated frames of {@code endless}. */
    public static final Duration ENDLESS_PACING = Duration.ofMillis(200);

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-provider");
        thread.setDaemon(true);
        return thread;
    });
    private ServerSocket server;

    /** Starts on {@code port} on 127.0.0.1; 0 picks a free port. */
    public FakeProviderServer start(int port) throws IOException {
        return start(port, 50);
    }

    /**
     * Starts with room for {@code backlog} connections waiting to be accepted. Load tests that open
     * hundreds of provider connections at once need more than the default: on Linux a full backlog
     * drops the handshake and the client retries a second later, which would look like provider latency.
     */
    public FakeProviderServer start(int port, int backlog) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        threads.execute(this::accept);
        return this;
    }

    public FakeProviderServer start() throws IOException {
        return start(0);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}; adapters take it plus the provider's path prefix as their base URL. */
    public URI root() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * The scenario a model name selects: the name itself, or its part before the first {@code /}
     * ({@code slow/test-7} plays {@code slow}, so concurrent tests keep their requests apart); any
     * other name gets {@code ok}.
     */
    public static String scenario(String model) {
        if (SCENARIOS.contains(model) || PACED.matcher(model).matches()) {
            return model;
        }
        int slash = model.indexOf('/');
        if (slash > 0) {
            String head = model.substring(0, slash);
            if (SCENARIOS.contains(head) || PACED.matcher(head).matches()) {
                return head;
            }
        }
        return "ok";
    }

    /** Now, in microseconds since the epoch: the stamp {@code paced-…} puts in each token. */
    public static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** The requests for exactly this model name. */
    public List<RecordedRequest> requestsFor(String model) {
        return requests.stream().filter(r -> model.equals(r.model())).toList();
    }

    /** The requests that selected {@code scenario}. */
    public List<RecordedRequest> requests(String scenario) {
        return requests.stream().filter(r -> scenario.equals(r.scenario())).toList();
    }

    public Optional<RecordedRequest> lastRequest() {
        return requests.isEmpty() ? Optional.empty() : Optional.of(requests.get(requests.size() - 1));
    }

    /** Waits until a request matching {@code which} has arrived. */
    public Optional<RecordedRequest> awaitRequest(Predicate<RecordedRequest> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<RecordedRequest> found = requests.stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(5);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /** What {@code counting} has sent for {@code model} so far: {@code "1 2 3 … n"}, or {@code ""} before its first token. */
    public String counted(String model) {
        Count count = counts.get(model);
        int sent = count == null ? 0 : count.sent.get();
        return java.util.stream.IntStream.rangeClosed(1, sent).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /**
     * {@code counting} for {@code model} sends no more tokens but keeps its answer open, until
     * {@link #endCounting}; returns once the answer has stopped, so {@link #counted} is then final.
     *
     * @throws IllegalStateException when no {@code counting} answer for {@code model} stopped within 5 s
     */
    public void holdCounting(String model) throws InterruptedException {
        Count count = counts.computeIfAbsent(model, m -> new Count());
        count.held = true;
        if (!count.holding.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("no counting answer for " + model + " is running");
        }
    }

    /** {@code counting} for {@code model} ends its answer cleanly ({@code finish_reason: stop}) after its current token. */
    public void endCounting(String model) {
        counts.computeIfAbsent(model, m -> new Count()).ended = true;
    }

    /** A {@code counting} answer: how far it got and what the test told it. */
    private static final class Count {
        final AtomicInteger sent = new AtomicInteger();
        final CountDownLatch holding = new CountDownLatch(1);
        volatile boolean held;
        volatile boolean ended;
    }

    /** Forgets recorded requests and restarts attempt counting (so {@code rate-limited} starts with a 429 again). */
    public void reset() {
        requests.clear();
        attempts.clear();
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        FakeProviderServer fake = new FakeProviderServer().start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(fake::close));
        System.out.println("Fake provider listening on " + fake.root() + " (scenarios: " + String.join(", ", SCENARIOS) + ")");
        new CountDownLatch(1).await();
    }

    // ---- connections ----------------------------------------------------------------------------

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true); // each frame leaves at once, as a real provider's would
                open.add(socket);
                int id = connections.incrementAndGet();
                threads.execute(() -> serve(socket, id));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        Exchange exchange = null;
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Incoming incoming = read(in);
                if (incoming == null) {
                    markClosed(exchange); // the client closed the connection between requests
                    return;
                }
                exchange = new Exchange(socket, in, out, incoming, connection);
                if (!exchange.respond()) {
                    return; // the fake closes it: that is no sign of the client
                }
            }
        } catch (IOException | UncheckedIOException gone) {
            markClosed(exchange); // the client went away mid-response
        } finally {
            open.remove(socket);
        }
    }

    private static void markClosed(Exchange exchange) {
        if (exchange != null && exchange.recorded != null) {
            exchange.recorded.closeSignal().complete(null);
        }
    }

    private record Incoming(String method, String target, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private static Incoming read(InputStream in) throws IOException {
        String requestLine = readLine(in);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in);
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
        }
        byte[] body;
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16); size > 0;
                 size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16)) {
                all.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in);
            body = all.toByteArray();
        } else {
            body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.get(0)));
        }
        return new Incoming(parts[0], parts.length > 1 ? parts[1] : "/", headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }

    // ---- one request ----------------------------------------------------------------------------

    private final class Exchange {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final Incoming incoming;
        private final int connection;
        private RecordedRequest recorded;

        Exchange(Socket socket, InputStream in, OutputStream out, Incoming incoming, int connection) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.incoming = incoming;
            this.connection = connection;
        }

        /** Answers; {@code false} when the connection must close afterwards. */
        boolean respond() throws IOException {
            String path = incoming.target();
            if (path.startsWith("/_fake/requests")) {
                if ("DELETE".equals(incoming.method())) {
                    reset();
                    return whole(204, "application/json", "", Map.of());
                }
                return whole(200, "application/json", requestsJson(), Map.of());
            }
            if ("GET".equals(incoming.method()) && path.endsWith("/api/tags")) {
                return whole(200, "application/json", transcript(WireFormat.OLLAMA, "tags.json", "", ""), Map.of());
            }
            WireFormat format = WireFormat.byPath(path);
            if (format == null) {
                return whole(404, "application/json", "{\"error\":\"the fake provider has no endpoint " + path + "\"}", Map.of());
            }
            String model = model(format, path);
            String scenario = scenario(model);
            int attempt = attempts.computeIfAbsent(format + "/" + model, k -> new AtomicInteger()).incrementAndGet();
            recorded = new RecordedRequest(incoming.method(), path, incoming.headers(), incoming.body(), format, model,
                    scenario, attempt, connection, new java.util.concurrent.CompletableFuture<>(), new AtomicInteger());
            requests.add(recorded);
            String key = key(format);
            boolean streamed = format == WireFormat.GEMINI ? path.contains(":streamGenerateContent") : streamRequested();

            if ("closed-once".equals(scenario) && attempt % 2 == 1) {
                // What a stale keep-alive connection looks like to the client: closed without a byte of answer.
                return false;
            }
            if (!streamed && ANSWERING.contains(scenario) && !("rate-limited".equals(scenario) && attempt % 2 == 1)) {
                return whole(200, "application/json", transcript(format, "whole.json", model, key), Map.of());
            }
            java.util.regex.Matcher paced = PACED.matcher(scenario);
            if ((paced.matches() || "counting".equals(scenario)) && (format != WireFormat.OPENAI || !streamed)) {
                return whole(400, "application/json", "{\"error\":\"" + scenario + " streams the OpenAI format only\"}", Map.of());
            }
            if ("counting".equals(scenario)) {
                return counting(model);
            }
            if (paced.matches()) {
                return paced(model, Integer.parseInt(paced.group(1)), Duration.ofMillis(Integer.parseInt(paced.group(2))));
            }
            switch (scenario) {
                case "unauthorized":
                    return whole(format == WireFormat.GEMINI ? 400 : 401, "application/json", transcript(format, "error-401.json", model, key), Map.of());
                case "not-found":
                    return whole(404, "application/json", transcript(format, "error-404.json", model, key), Map.of());
                case "bad-request":
                    return whole(400, "application/json", transcript(format, "error-400.json", model, key), Map.of());
                case "overloaded":
                    return whole(format == WireFormat.ANTHROPIC ? 529 : 503, "application/json", transcript(format, "error-503.json", model, key), Map.of());
                case "rate-limited":
                    if (attempt % 2 == 1) {
                        return whole(429, "application/json", transcript(format, "error-429.json", model, key), Map.of("Retry-After", "1"));
                    }
                    return stream(format, frames(format, "stream.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
                case "non-streaming":
                    return whole(200, "application/json", transcript(format, "whole.json", model, key), Map.of());
                case "hang-headers":
                    awaitClose();
                    return false;
                case "stall-first":
                    return stream(format, List.of(), Duration.ZERO, false, Ending.STALL);
                case "stall-mid":
                    return stream(format, frames(format, "truncated.txt", model, key), Duration.ZERO, false, Ending.STALL);
                case "truncated":
                    return stream(format, frames(format, "truncated.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
                case "endless":
                    return stream(format, frames(format, "truncated.txt", model, key), Duration.ZERO, false, Ending.REPEAT_LAST);
                case "dropped":
                    return stream(format, frames(format, "truncated.txt", model, key), Duration.ZERO, false, Ending.DROP);
                case "inband-error":
                    return stream(format, frames(format, "inband-error.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
                case "reasoning":
                    return stream(format, frames(format, "reasoning.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
                case "split-utf8":
                    return stream(format, frames(format, "split-utf8.txt", model, key), Duration.ZERO, true, Ending.CLEAN);
                case "comments":
                    return stream(format, withKeepAlives(format, frames(format, "stream.txt", model, key)), Duration.ZERO, false, Ending.CLEAN);
                case "slow":
                    return stream(format, frames(format, "stream.txt", model, key), SLOW_PACING, false, Ending.CLEAN);
                case "pings":
                    // Comments only; NDJSON has none, so there a blank line is the keep-alive.
                    return keepAlives(format, List.of(), List.of(format.isSse() ? ": ping" : ""));
                case "keep-alives":
                    return keepAlives(format, List.of(), keepAliveFrames(format, model, key));
                case "tokens-then-keep-alives":
                    return keepAlives(format, frames(format, "truncated.txt", model, key), keepAliveFrames(format, model, key));
                case "long-thinking":
                    return longThinking(format, frames(format, "thinking.txt", model, key).get(0), frames(format, "stream.txt", model, key));
                case "mislabelled":
                    if (format == WireFormat.OLLAMA) {
                        // As Ollama Cloud answers: NDJSON, labelled as one JSON document, with a Content-Length.
                        return whole(200, "application/json; charset=utf-8", transcript(format, "cloud-stream.txt", model, key), Map.of());
                    }
                    return streamAs("text/plain; charset=utf-8", frames(format, "stream.txt", model, key).stream()
                            .map(frame -> wire(format, frame)).toList());
                case "sse-as-text":
                    // Ollama's own lines too, each as the data of an event, as a proxy re-framing them would send.
                    return streamAs("text/plain; charset=utf-8", frames(format, "stream.txt", model, key).stream()
                            .map(frame -> format.isSse() ? wire(format, frame) : "data: " + frame + "\n\n").toList());
                case "whole-as-text":
                    return whole(200, "text/plain; charset=utf-8", transcript(format, "whole.json", model, key), Map.of());
                case "unrecognised":
                    return stream(format, frames(format, "unrecognised.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
                default:
                    return stream(format, frames(format, "stream.txt", model, key), Duration.ZERO, false, Ending.CLEAN);
            }
        }

        private String model(WireFormat format, String path) {
            if (format == WireFormat.GEMINI) {
                String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                int start = bare.lastIndexOf("/models/") + "/models/".length();
                return URLDecoder.decode(bare.substring(start, bare.lastIndexOf(':')), StandardCharsets.UTF_8);
            }
            JsonObject body = bodyJson();
            return body == null ? "" : body.getString("model", "");
        }

        private boolean streamRequested() {
            JsonObject body = bodyJson();
            return body != null && body.get("stream") == JsonValue.TRUE;
        }

        private JsonObject bodyJson() {
            try (JsonReader reader = Json.createReader(new StringReader(incoming.body()))) {
                return reader.readObject();
            } catch (RuntimeException notJson) {
                return null;
            }
        }

        private String key(WireFormat format) {
            String value = switch (format) {
                case ANTHROPIC -> incoming.header("x-api-key");
                case GEMINI -> incoming.header("x-goog-api-key");
                default -> incoming.header("authorization");
            };
            if (value == null) {
                return "";
            }
            return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7) : value;
        }

        private boolean whole(int status, String type, String body, Map<String, String> extraHeaders) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                    .append("Content-Type: ").append(type).append("\r\n")
                    .append("Content-Length: ").append(bytes.length).append("\r\n");
            extraHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return true;
        }

        private void streamHead(String contentType) throws IOException {
            String head = "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n"
                    + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** {@code frames}, then {@code keepAlives} in turn, the first at once, then {@link #KEEP_ALIVE_PACING} apart, until the client hangs up. */
        private boolean keepAlives(WireFormat format, List<String> frames, List<String> keepAlives) throws IOException {
            streamHead(format.streamType + "; charset=utf-8");
            for (String frame : frames) {
                chunk(wire(format, frame).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i == 0 || !pauseSeeingClose(KEEP_ALIVE_PACING); i++) {
                String keepAlive = keepAlives.get(i % keepAlives.size());
                chunk((keepAlive.isEmpty() ? "\n" : wire(format, keepAlive)).getBytes(StandardCharsets.UTF_8));
                recorded.keepAlivesSent().incrementAndGet();
            }
            return false;
        }

        /** {@link #THINKING_FRAMES} times {@code thinking}, paced, then the answer at once. */
        private boolean longThinking(WireFormat format, String thinking, List<String> answer) throws IOException {
            streamHead(format.streamType + "; charset=utf-8");
            for (int i = 0; i < THINKING_FRAMES; i++) {
                if (i > 0 && pauseSeeingClose(THINKING_PACING)) {
                    return false;
                }
                chunk(wire(format, thinking).getBytes(StandardCharsets.UTF_8));
            }
            return stream(format, answer, Duration.ZERO, false, Ending.CLEAN, false);
        }

        /** Stamped tokens on a fixed schedule; the stamp is taken just before the frame is written. */
        private boolean paced(String model, int tokens, Duration pacing) throws IOException {
            streamHead(WireFormat.OPENAI.streamType + "; charset=utf-8");
            String prefix = openAiContent("paced", model) + " " + PACED_WORD;
            long start = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                long due = start + i * pacing.toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0 && pauseSeeingClose(Duration.ofNanos(wait))) {
                    return false;
                }
                chunk((prefix + epochMicros() + OPENAI_CONTENT_END).getBytes(StandardCharsets.UTF_8));
            }
            return openAiEnd("paced", model);
        }

        /** The numbers {@code 1 2 3 …}, one every {@link #COUNTING_PACING}, until the test holds or ends the count. */
        private boolean counting(String model) throws IOException {
            Count count = counts.computeIfAbsent(model, m -> new Count());
            streamHead(WireFormat.OPENAI.streamType + "; charset=utf-8");
            String prefix = openAiContent("counting", model);
            while (!count.ended) {
                if (count.held) {
                    count.holding.countDown();
                } else {
                    int next = count.sent.get() + 1;
                    chunk((prefix + (next == 1 ? "1" : " " + next) + OPENAI_CONTENT_END).getBytes(StandardCharsets.UTF_8));
                    count.sent.set(next);
                }
                if (pauseSeeingClose(COUNTING_PACING)) {
                    return false;
                }
            }
            return openAiEnd("counting", model);
        }

        /** An OpenAI content frame up to its text, which goes in JSON-escaped, followed by {@link #OPENAI_CONTENT_END}. */
        private static String openAiContent(String id, String model) {
            return "data: {\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764177000,\"model\":\""
                    + jsonEscaped(model) + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
        }

        private boolean openAiEnd(String id, String model) throws IOException {
            chunk(("data: {\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764177000,\"model\":\""
                    + jsonEscaped(model) + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        }

        /** {@code chunks} (on the wire as they are) at once, under {@code contentType}. */
        private boolean streamAs(String contentType, List<String> chunks) throws IOException {
            streamHead(contentType);
            for (String text : chunks) {
                chunk(text.getBytes(StandardCharsets.UTF_8));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        }

        private boolean stream(WireFormat format, List<String> frames, Duration pacing, boolean splitFirstMultiByte, Ending ending) throws IOException {
            return stream(format, frames, pacing, splitFirstMultiByte, ending, true);
        }

        private boolean stream(WireFormat format, List<String> frames, Duration pacing, boolean splitFirstMultiByte, Ending ending,
                               boolean head) throws IOException {
            if (head) {
                streamHead(format.streamType + "; charset=utf-8");
            }
            boolean split = splitFirstMultiByte;
            for (int i = 0; i < frames.size(); i++) {
                if (i > 0 && !pacing.isZero() && pauseSeeingClose(pacing)) {
                    return false;
                }
                byte[] bytes = wire(format, frames.get(i)).getBytes(StandardCharsets.UTF_8);
                int cut = split ? firstMultiByteSplit(bytes) : -1;
                if (cut > 0) {
                    split = false;
                    chunk(Arrays.copyOfRange(bytes, 0, cut));
                    if (pauseSeeingClose(SLOW_PACING)) {
                        return false;
                    }
                    chunk(Arrays.copyOfRange(bytes, cut, bytes.length));
                } else {
                    chunk(bytes);
                }
            }
            switch (ending) {
                case CLEAN -> {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return true;
                }
                case DROP -> {
                    return false;
                }
                case REPEAT_LAST -> {
                    byte[] last = wire(format, frames.get(frames.size() - 1)).getBytes(StandardCharsets.UTF_8);
                    while (!pauseSeeingClose(ENDLESS_PACING)) {
                        chunk(last);
                    }
                    return false;
                }
                default -> {
                    awaitClose();
                    return false;
                }
            }
        }

        private void chunk(byte[] bytes) throws IOException {
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Sleeps by reading with a timeout, so a client that hangs up is noticed; {@code true} if it did. */
        private boolean pauseSeeingClose(Duration pause) throws IOException {
            long deadline = System.nanoTime() + pause.toNanos();
            try {
                while (true) {
                    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    socket.setSoTimeout((int) left);
                    try {
                        if (in.read() < 0) {
                            recorded.closeSignal().complete(null);
                            return true;
                        }
                    } catch (SocketTimeoutException stillThere) {
                        if (System.nanoTime() >= deadline) {
                            return false;
                        }
                    }
                }
            } catch (SocketException reset) {
                recorded.closeSignal().complete(null);
                return true;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(0);
                }
            }
        }

        /** Holds the connection until the client closes it (or the fake shuts down). */
        private void awaitClose() {
            try {
                socket.setSoTimeout(0);
                while (in.read() >= 0) {
                    // a client does not send while waiting for its answer; ignore whatever comes
                }
            } catch (IOException ignored) {
                // reset counts as closed
            }
            if (recorded != null) {
                recorded.closeSignal().complete(null);
            }
        }
    }

    private enum Ending { CLEAN, DROP, STALL, REPEAT_LAST }

    /** An SSE event's lines each end with the format's line end, plus a blank line; an NDJSON frame is one line. */
    private static String wire(WireFormat format, String frame) {
        if (!format.isSse()) {
            return frame + "\n";
        }
        return String.join(format.lineEnd, frame.split("\n", -1)) + format.lineEnd + format.lineEnd;
    }

    /** The format's content-free frames; NDJSON adds a blank line, which is all a keep-alive can be there. */
    private static List<String> keepAliveFrames(WireFormat format, String model, String key) {
        List<String> frames = new ArrayList<>(frames(format, "keep-alive.txt", model, key));
        if (!format.isSse()) {
            frames.add("");
        }
        return frames;
    }

    private static List<String> withKeepAlives(WireFormat format, List<String> frames) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (format.isSse()) {
                result.add(i % 2 == 0 ? ": OPENROUTER PROCESSING" : ": keep-alive");
            } else {
                result.add(""); // NDJSON has no comments; a blank line is what a keep-alive looks like there
            }
            result.add(frames.get(i));
        }
        return result;
    }

    /** Just after the first byte of the first multi-byte character, so the character is split. */
    private static int firstMultiByteSplit(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if ((bytes[i] & 0x80) != 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static List<String> frames(WireFormat format, String file, String model, String key) {
        String text = transcript(format, file, model, key).replace("\r\n", "\n");
        String separator = format.isSse() ? "\n\n" : "\n";
        return Arrays.stream(text.split(separator)).map(String::strip).filter(f -> !f.isEmpty()).toList();
    }

    private static String transcript(WireFormat format, String file, String model, String key) {
        String resource = "/provider-transcripts/" + format.folder + "/" + file;
        try (InputStream in = FakeProviderServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing transcript " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("{{model}}", jsonEscaped(model)).replace("{{key}}", jsonEscaped(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jsonEscaped(String text) {
        String quoted = Json.createValue(text).toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    private String requestsJson() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (RecordedRequest r : requests) {
            JsonObjectBuilder headers = Json.createObjectBuilder();
            r.headers().forEach((name, values) -> headers.add(name, String.join(", ", values)));
            all.add(Json.createObjectBuilder()
                    .add("method", r.method())
                    .add("path", r.path())
                    .add("format", r.format().name().toLowerCase(Locale.ROOT))
                    .add("model", r.model())
                    .add("scenario", r.scenario())
                    .add("attempt", r.attempt())
                    .add("connection", r.connection())
                    .add("client_closed", r.clientClosed())
                    .add("headers", headers)
                    .add("body", r.body()));
        }
        return all.build().toString();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
