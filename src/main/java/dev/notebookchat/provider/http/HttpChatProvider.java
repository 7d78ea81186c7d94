package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderListener;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the four HTTP wire formats share: sending asynchronously, retrying a busy provider before the
 * answer starts, watching for silence, cancelling, and delivering callbacks one at a time with exactly
 * one terminal callback. A subclass only says how its request looks and how its frames read.
 *
 * <p>Threads: a relaying client (see {@link HttpTransport}) hands each chunk of the body over on its
 * selector thread, and the chunk is parsed and its tokens reach the listener right there. A chunk
 * that arrives on any other thread goes to a {@link SerialExecutor} of the transport's executor, as
 * do attempts, retries and the watchdog, and every later signal of the body queues behind it; so an
 * answer is never parsed in parallel. The terminal callback reached on a relay thread is handed to
 * that serial executor too: the end of an answer (saving it, logging it) is not the relay's work.
 * Only one chunk is requested at a time: the provider is read no faster than the listener takes
 * tokens, and no queue grows without bound.
 *
 * <p>Idle timeouts count progress, not bytes: only answer text and reasoning (see {@link AnswerSink})
 * restart them, plus the lines of a whole JSON answer. Comments, blank lines, ping events and chunks
 * without content do not, so a provider or proxy that sends keep-alives forever cannot hold a turn.
 * A 2xx body is read by what it holds ({@link AnswerBody}), whatever its {@code Content-Type} says.
 */
abstract class HttpChatProvider implements ChatProvider {

    private static final System.Logger LOG = System.getLogger(HttpChatProvider.class.getName());

    /** Error bodies are read for their message only. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** A whole answer can be long, but not without limit; no single line may be longer either. */
    private static final int WHOLE_BODY_LIMIT = 16 * 1024 * 1024;

    private final String name;
    private final HttpTransport transport;
    private final ProviderSettings settings;

    HttpChatProvider(String name, HttpTransport transport, ProviderSettings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProviderStream stream(ProviderRequest request, ProviderListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        Exchange exchange = new Exchange(request, listener);
        exchange.start();
        return exchange;
    }

    /** Where this request goes, e.g. {@code {base}/chat/completions}. */
    abstract URI endpoint(ProviderRequest request);

    /** The JSON body, with {@code stream} set from {@link ProviderRequest#streaming()}. */
    abstract JsonObject body(ProviderRequest request);

    /** Adds the key header(s) and whatever else the provider requires. */
    abstract void headers(ProviderRequest request, HttpRequest.Builder builder);

    /** A parser for one streamed body, reporting to {@code sink}. */
    abstract StreamParser streamParser(ProviderRequest request, AnswerSink sink);

    /** The framing {@link #streamParser} reads; a body framed the other way is translated for it. */
    AnswerBody.Framing framing() {
        return AnswerBody.Framing.SSE;
    }

    /**
     * Reads a whole JSON answer: report the whole text as one token, then complete if the document is
     * a finished answer. Called whenever a 2xx body is one JSON document, whether or not the request
     * asked for a stream.
     */
    abstract void wholeAnswer(ProviderRequest request, JsonValue answer, AnswerSink sink);

    /** {@code base} plus {@code path}, whether or not the configured base ends in a slash. */
    static URI resolve(URI base, String path) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }

    /** Finish reasons differ per provider; the rest of the application knows {@code stop} and {@code length}. */
    static String normaliseFinishReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return "stop";
        }
        String word = reason.strip().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "stop", "end_turn", "stop_sequence", "eos", "finish_reason_stop" -> "stop";
            case "length", "max_tokens", "model_length", "max_output_tokens" -> "length";
            default -> word;
        };
    }

    /** {@code Retry-After} in seconds or as an HTTP date, or OpenAI's {@code retry-after-ms}; {@code null} if absent or unreadable. */
    static Duration retryAfter(HttpHeaders headers) {
        var millis = headers.firstValue("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get().strip())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        var value = headers.firstValue("retry-after");
        if (value.isEmpty()) {
            return null;
        }
        String text = value.get().strip();
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(text) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private sealed interface Outcome {
        /** The body went to its {@link AnswerBody}; nothing left to do when the exchange completes. */
        record Streamed() implements Outcome {
        }

        record Rejected(int status, HttpHeaders headers, String body) implements Outcome {
        }
    }

    /**
     * One answer: its attempts, its watchdog and its listener. Fields written from several threads are
     * volatile; the listener is only called under {@link #callbacks}, which is what lets
     * {@link #cancel()} promise silence once it returns.
     */
    private final class Exchange implements ProviderStream, AnswerSink {

        private final ProviderRequest request;
        private final ProviderListener listener;
        private final SerialExecutor serial = new SerialExecutor(transport.executor());
        private final ReentrantLock callbacks = new ReentrantLock();

        /** The caller cancelled; nothing reaches the listener any more. */
        private volatile boolean cancelled;
        /** The terminal callback was delivered (or cancelled): later reports are dropped. */
        private volatile boolean finished;
        /** The connection is, or is being, closed on purpose: further JDK signals are noise. */
        private volatile boolean closed;
        /** A token was delivered: no retry any more, and the between-tokens timeout applies. */
        private volatile boolean answerStarted;
        /** The current attempt has its response headers: a failure now breaks a body, not a connection. */
        private volatile boolean bodyStarted;
        /** When the current attempt started, or last showed progress (see {@link AnswerSink}). */
        private volatile long lastProgress = System.nanoTime();
        /** The current attempt's 2xx body, once there is one. */
        private volatile AnswerBody answerBody;

        private volatile CompletableFuture<?> inFlight;
        private volatile Flow.Subscription subscription;
        private volatile ScheduledFuture<?> watchdog;
        private volatile ScheduledFuture<?> pendingRetry;

        /** Touched on the serial executor only. */
        private int attempts;

        Exchange(ProviderRequest request, ProviderListener listener) {
            this.request = request;
            this.listener = listener;
        }

        void start() {
            serial.execute(this::attempt);
        }

        @Override
        public void cancel() {
            callbacks.lock();
            try {
                cancelled = true;
                finished = true;
            } finally {
                callbacks.unlock();
            }
            closeConnection();
        }

        // ---- attempts -------------------------------------------------------------------------

        private void attempt() {
            if (closed) {
                return;
            }
            attempts++;
            bodyStarted = false;
            CompletableFuture<HttpResponse<Outcome>> future;
            try {
                HttpRequest http = httpRequest();
                progress(); // each attempt gets the whole first-token time
                armWatchdog();
                future = transport.client().sendAsync(http, this::bodyFor);
            } catch (RuntimeException unusable) {
                // A base URL the client cannot use (wrong scheme, bad characters) is a configuration to fix.
                fail(ProviderFailure.connection(name, request, unusable));
                return;
            }
            inFlight = future;
            if (closed) {
                future.cancel(true); // cancel() ran between the check above and now
                return;
            }
            future.whenComplete((response, failure) -> serial.execute(() -> answered(response, failure)));
        }

        private HttpRequest httpRequest() {
            URI uri = endpoint(request);
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString(body(request).toString(), StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json");
            if ("http".equalsIgnoreCase(uri.getScheme())) {
                // Without this the JDK offers "Upgrade: h2c" on plain HTTP, which local servers mishandle.
                builder.version(HttpClient.Version.HTTP_1_1);
            }
            headers(request, builder);
            return builder.build();
        }

        /**
         * Chooses how to read the body once the status is known. Headers are no progress: a provider
         * that answers 200 at once and then sends only keep-alives has not started answering.
         */
        private BodySubscriber<Outcome> bodyFor(HttpResponse.ResponseInfo info) {
            bodyStarted = true;
            int status = info.statusCode();
            if (status < 200 || status > 299) {
                return BodySubscribers.mapping(new BoundedBody(ERROR_BODY_LIMIT),
                        text -> new Outcome.Rejected(status, info.headers(), text));
            }
            AnswerBody answer = new AnswerBody(framing(), streamParser(request, this), this::whole, this::progress,
                    WHOLE_BODY_LIMIT);
            answerBody = answer;
            return BodySubscribers.fromSubscriber(new Lines(answer), ignored -> new Outcome.Streamed());
        }

        private void answered(HttpResponse<Outcome> response, Throwable failure) {
            if (finished) {
                return;
            }
            if (failure != null) {
                Throwable cause = ProviderFailure.unwrap(failure);
                if (cause instanceof CancellationException) {
                    return;
                }
                if (!bodyStarted && closedBeforeAnswering(cause) && attempts < settings.maxAttempts()) {
                    // A pooled keep-alive connection the provider (or a proxy) had already closed fails the
                    // request before any byte comes back; nothing reached the model, so send it again at once.
                    LOG.log(System.Logger.Level.DEBUG, () -> name + " closed the connection before answering ("
                            + describe(cause) + "); attempt " + (attempts + 1));
                    deliver(listener::onRetry, false);
                    serial.execute(this::attempt);
                    return;
                }
                fail(bodyStarted
                        ? ProviderFailure.truncated(name, "the connection broke (" + describe(cause) + ")")
                        : ProviderFailure.connection(name, request, cause));
                return;
            }
            if (response.body() instanceof Outcome.Rejected rejected) {
                rejected(rejected);
            }
            // Outcome.Streamed: the body's lines reported everything already.
        }

        /** Connected, then closed without a response: unlike a refused connection or a timeout, worth one more try. */
        private static boolean closedBeforeAnswering(Throwable cause) {
            return cause instanceof java.io.IOException
                    && !(cause instanceof java.net.ConnectException)
                    && !(cause instanceof java.net.http.HttpTimeoutException);
        }

        private void rejected(Outcome.Rejected rejected) {
            if (ProviderFailure.retryable(rejected.status()) && attempts < settings.maxAttempts() && !answerStarted) {
                Duration wait = settings.backoff(attempts + 1, retryAfter(rejected.headers()));
                stopWatchdog();
                LOG.log(System.Logger.Level.DEBUG, () -> name + " answered HTTP " + rejected.status()
                        + "; attempt " + (attempts + 1) + " in " + wait.toMillis() + " ms");
                deliver(listener::onRetry, false);
                ScheduledFuture<?> retry = transport.scheduler().schedule(() -> serial.execute(this::attempt),
                        wait.toNanos(), TimeUnit.NANOSECONDS);
                pendingRetry = retry;
                if (closed) {
                    retry.cancel(false);
                }
                return;
            }
            fail(ProviderFailure.fromStatus(name, request, rejected.status(), rejected.body(), attempts));
        }

        private void whole(String body) {
            JsonValue answer;
            try {
                answer = WireJson.parse(body);
            } catch (JsonException notJson) {
                fail(ProviderFailure.protocol(name, request, "the answer is not JSON"));
                return;
            }
            if (answer.getValueType() == JsonValue.ValueType.OBJECT && WireJson.error(answer.asJsonObject()) != null) {
                fail(ProviderFailure.inBand(name, request, ProviderFailure.detail(WireJson.error(answer.asJsonObject()))));
                return;
            }
            try {
                wholeAnswer(request, answer, this);
            } catch (RuntimeException unreadable) {
                fail(ProviderFailure.protocol(name, request, describe(unreadable)));
                return;
            }
            if (!finished) {
                endedWithoutEndMarker();
            }
        }

        /**
         * The body is over and the provider never said the answer was finished. With part of the
         * answer delivered that is a truncated answer; without any answer text the body held
         * something this adapter does not recognise as an answer, which must not pass as an empty one.
         */
        private void endedWithoutEndMarker() {
            if (answerStarted) {
                fail(ProviderFailure.truncated(name, null));
            } else {
                fail(ProviderFailure.unrecognised(name, request, null, sample()));
            }
        }

        private String sample() {
            AnswerBody current = answerBody;
            return current == null ? "" : current.sample();
        }

        // ---- what the parsers report ------------------------------------------------------------

        @Override
        public void token(String text) {
            if (text == null || text.isEmpty() || finished) {
                return;
            }
            progress();
            if (!answerStarted) {
                answerStarted = true;
                armWatchdog(); // the shorter between-tokens timeout applies from now on
            }
            // The most frequent callback: the lock taken here, without a callback object per token.
            callbacks.lock();
            try {
                if (!finished) {
                    listener.onToken(text);
                }
            } catch (RuntimeException listenerFault) {
                LOG.log(System.Logger.Level.WARNING, "Provider listener failed", listenerFault);
            } finally {
                callbacks.unlock();
            }
        }

        @Override
        public void reasoning(String text) {
            if (text != null && !text.isEmpty() && !finished) {
                progress(); // the limit stays first-token's until answer text comes
            }
        }

        @Override
        public void complete(String finishReason, Usage usage) {
            if (finished) {
                return;
            }
            String reason = normaliseFinishReason(finishReason);
            if (!answerStarted) {
                // An end marker after no answer text: either the model wrote nothing, or the text was
                // somewhere this adapter does not read. Either way an empty "complete" would hide it.
                fail(ProviderFailure.unrecognised(name, request, reason, sample()));
                return;
            }
            progress(); // from here the watchdog only waits for the body's last bytes
            Usage counted = usage == null ? Usage.UNKNOWN : usage;
            // The body may still hold its last bytes (the terminating chunk): keep reading them so the
            // connection can be reused; the watchdog closes it if they never come.
            deliver(() -> listener.onComplete(reason, counted), true);
        }

        @Override
        public void fail(ProviderFailure failure) {
            deliver(() -> listener.onFailure(failure), true);
            closeConnection();
        }

        private void deliver(Runnable callback, boolean terminal) {
            callbacks.lock();
            try {
                if (finished) {
                    return;
                }
                if (terminal) {
                    finished = true;
                    if (HttpTransport.relaying()) {
                        // Decided here, delivered off the relay thread; a cancel before then still silences it.
                        serial.execute(() -> deliverEnd(callback));
                        return;
                    }
                }
                run(callback);
            } finally {
                callbacks.unlock();
            }
        }

        private void deliverEnd(Runnable callback) {
            callbacks.lock();
            try {
                if (!cancelled) {
                    run(callback);
                }
            } finally {
                callbacks.unlock();
            }
        }

        private static void run(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException listenerFault) {
                LOG.log(System.Logger.Level.WARNING, "Provider listener failed", listenerFault);
            }
        }

        // ---- watchdog and closing ---------------------------------------------------------------

        private void progress() {
            lastProgress = System.nanoTime();
        }

        private Duration idleLimit() {
            return answerStarted || finished ? settings.betweenTokensTimeout() : settings.firstTokenTimeout();
        }

        /**
         * One pending check at a time, due when the current silence would reach the limit. Locked:
         * the first token re-arms it from the body's thread while the check may run on the serial executor.
         */
        private synchronized void armWatchdog() {
            if (closed) {
                return;
            }
            ScheduledFuture<?> previous = watchdog;
            if (previous != null) {
                previous.cancel(false);
            }
            long due = idleLimit().toNanos() - (System.nanoTime() - lastProgress);
            watchdog = transport.scheduler().schedule(() -> serial.execute(this::checkIdle),
                    Math.max(due, 0), TimeUnit.NANOSECONDS);
        }

        private void checkIdle() {
            if (closed) {
                return;
            }
            Duration limit = idleLimit();
            if (System.nanoTime() - lastProgress < limit.toNanos()) {
                armWatchdog();
            } else if (finished) {
                closeConnection(); // the end marker came but the body never ended
            } else {
                fail(ProviderFailure.idle(name, limit, answerStarted));
            }
        }

        private synchronized void stopWatchdog() {
            ScheduledFuture<?> current = watchdog;
            if (current != null) {
                current.cancel(false);
            }
        }

        /**
         * Both handles close the socket: the future while the headers are awaited or a whole body is
         * read, the subscription while lines stream. Either may not exist yet; whoever creates it
         * later checks {@link #closed}.
         */
        private void closeConnection() {
            closed = true;
            stopWatchdog();
            ScheduledFuture<?> retry = pendingRetry;
            if (retry != null) {
                retry.cancel(false);
            }
            Flow.Subscription lines = subscription;
            if (lines != null) {
                lines.cancel();
            }
            CompletableFuture<?> future = inFlight;
            if (future != null) {
                future.cancel(true);
            }
        }

        /**
         * Receives the body's bytes from the JDK, cuts them into lines and hands each to the
         * {@link AnswerBody}. Lines are cut on {@code \n} as bytes and decoded whole, so a UTF-8
         * character split between reads is whole again, and a CRLF split between reads cannot turn
         * into an extra empty line (an SSE event end). A line longer than the whole body limit fails
         * instead of filling the heap.
         *
         * <p>The JDK signals one at a time, each after the previous returned. A signal runs where it
         * arrives when that is a relay thread and no earlier signal still waits in the serial
         * executor; otherwise it queues there behind them, so the body is read in order.
         */
        private final class Lines implements Flow.Subscriber<List<ByteBuffer>> {

            private final AnswerBody answer;
            /** The bytes of a line not yet ended, when a read ended inside a line; touched by one signal at a time. */
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
            /** Signals handed to the serial executor and not run yet. */
            private final AtomicInteger queued = new AtomicInteger();

            Lines(AnswerBody answer) {
                this.answer = answer;
            }

            @Override
            public void onSubscribe(Flow.Subscription chunks) {
                subscription = chunks;
                if (closed) {
                    chunks.cancel();
                } else {
                    chunks.request(1);
                }
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                boolean inline = inline();
                if (inline && buffers.size() == 1 && buffers.get(0).hasArray()) {
                    // Read before this returns, so the client's own buffer serves without a copy.
                    ByteBuffer buffer = buffers.get(0);
                    int from = buffer.arrayOffset() + buffer.position();
                    int to = buffer.arrayOffset() + buffer.limit();
                    buffer.position(buffer.limit());
                    chunk(buffer.array(), from, to);
                } else if (inline) {
                    byte[] chunk = copy(buffers);
                    chunk(chunk, 0, chunk.length);
                } else {
                    byte[] chunk = copy(buffers);
                    queue(() -> chunk(chunk, 0, chunk.length));
                }
            }

            @Override
            public void onError(Throwable failure) {
                Runnable signal = () -> {
                    if (!finished) {
                        fail(ProviderFailure.truncated(name, "the connection broke (" + describe(ProviderFailure.unwrap(failure)) + ")"));
                    }
                };
                if (inline()) {
                    signal.run();
                } else {
                    queue(signal);
                }
            }

            @Override
            public void onComplete() {
                if (inline()) {
                    ended();
                } else {
                    queue(this::ended);
                }
            }

            private boolean inline() {
                return queued.get() == 0 && HttpTransport.relaying();
            }

            private void queue(Runnable signal) {
                queued.incrementAndGet();
                serial.execute(() -> {
                    try {
                        signal.run();
                    } finally {
                        queued.decrementAndGet();
                    }
                });
            }

            private void chunk(byte[] chunk, int from, int to) {
                if (!finished) {
                    split(chunk, from, to);
                }
                // After the end marker the rest is still read, so the connection can be reused.
                if (!closed) {
                    subscription.request(1);
                }
            }

            private void ended() {
                if (!finished && partial.size() > 0) {
                    line(partial.toString(StandardCharsets.UTF_8)); // the last line had no line end
                    partial.reset();
                }
                if (!finished) {
                    try {
                        answer.end();
                    } catch (RuntimeException unreadable) {
                        fail(ProviderFailure.protocol(name, request, describe(unreadable)));
                    }
                    if (!finished) {
                        endedWithoutEndMarker();
                    }
                }
                stopWatchdog();
            }

            /** A line that lies within one read is decoded from it directly; only the pieces of a split line are copied. */
            private void split(byte[] chunk, int from, int to) {
                int start = from;
                for (int i = from; i < to && !finished; i++) {
                    if (chunk[i] == '\n') {
                        String text;
                        if (partial.size() == 0) {
                            text = new String(chunk, start, i - start, StandardCharsets.UTF_8);
                        } else {
                            partial.write(chunk, start, i - start);
                            text = partial.toString(StandardCharsets.UTF_8);
                            partial.reset();
                        }
                        start = i + 1;
                        line(text);
                    }
                }
                if (finished) {
                    return;
                }
                partial.write(chunk, start, to - start);
                if (partial.size() > WHOLE_BODY_LIMIT) {
                    partial.reset();
                    fail(ProviderFailure.protocol(name, request, "a line longer than " + WHOLE_BODY_LIMIT + " bytes"));
                }
            }

            private void line(String text) {
                String line = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                try {
                    answer.line(line);
                } catch (RuntimeException unreadable) {
                    fail(ProviderFailure.protocol(name, request, describe(unreadable)));
                }
            }
        }
    }

    private static byte[] copy(List<ByteBuffer> buffers) {
        int size = 0;
        for (ByteBuffer buffer : buffers) {
            size += buffer.remaining();
        }
        byte[] bytes = new byte[size];
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            buffer.get(bytes, at, n);
            at += n;
        }
        return bytes;
    }

    private static String describe(Throwable failure) {
        String text = failure.getMessage();
        return text == null || text.isBlank() ? failure.getClass().getSimpleName() : text;
    }
}
