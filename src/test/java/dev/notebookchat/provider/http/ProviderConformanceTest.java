package dev.notebookchat.provider.http;

import dev.notebookchat.provider.fake.FakeProviderServer;
import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.KnownProvider;
import dev.notebookchat.provider.spi.ProviderFailure.Kind;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.RecordingListener;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every provider adapter owes the rest of the application, checked against the fake
 * provider. Each adapter's test extends this and says only how its provider is addressed, how its
 * request must look, and what its in-band error says.
 *
 * <p>Every test asks for its own model name ({@code <scenario>/<tag>}), so its requests are its own
 * on the shared fake and the tests can run concurrently: most of their time is spent waiting on
 * timeouts and pacing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
abstract class ProviderConformanceTest {

    /** Shaped like a real key, so that key-shaped masking and exact masking are both exercised. */
    static final String KEY = "sk-test-Zq8fK2mN5pR7sT9vW1xY3";
    static final String ANSWER = "The notebook says tea is best.";
    static final String SPLIT_ANSWER = "Tea costs 3 € in Zürich ☕.";
    static final Usage USAGE = new Usage(21, 7);
    static final String SYSTEM = "Answer from the notebook only.";
    static final String QUESTION = "What does the notebook say about tea?";

    /** Generous: only a broken adapter waits this long. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** How long to listen for callbacks that must not come. */
    static final Duration QUIET = Duration.ofMillis(150);
    /** Idle timeouts short enough for a unit test, and long enough for a request to go out on a busy machine. */
    static final Duration SHORT_IDLE = Duration.ofMillis(500);
    /** For keep-alive tests: many keep-alives fit into it, so the timer would restart many times if they counted. */
    static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(1);

    static final ProviderSettings SETTINGS = new ProviderSettings(
            WAIT, WAIT, 3, Duration.ofMillis(10), Duration.ofMillis(50));

    /** The name of the transport executor's threads, and of no other. */
    static final String EXECUTOR_THREAD = "transport-executor-";
    /** What the JDK names a client's selector thread. */
    static final String SELECTOR_THREAD = "HttpClient-\\d+-SelectorManager";

    FakeProviderServer fake;
    private ExecutorService executor;
    private ScheduledExecutorService scheduler;
    HttpTransport transport;

    /** The adapter under test. */
    abstract ChatProvider adapter(HttpTransport transport, ProviderSettings settings);

    /** The base URL this provider's users would configure, pointed at the fake, e.g. {@code root + "/v1"}. */
    abstract URI baseUrl(URI fakeRoot);

    /** The provider's own words in the fake's in-band error frame. */
    abstract String inBandDetail();

    /** Checks the request for {@code model} as the provider's documentation wants it: path, key header, body fields. */
    abstract void assertRequestShape(RecordedRequest request, JsonObject body, String model, boolean streaming);

    @BeforeAll
    void startFake() throws IOException {
        fake = new FakeProviderServer().start(0);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, task -> new Thread(task, EXECUTOR_THREAD + threads.incrementAndGet()));
        scheduler = Executors.newSingleThreadScheduledExecutor();
        transport = HttpTransport.create(2, executor, scheduler, Duration.ofSeconds(2));
    }

    @AfterAll
    void stopFake() throws InterruptedException {
        fake.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
        executor.awaitTermination(1, TimeUnit.SECONDS);
    }

    // ---- answers ----------------------------------------------------------------------------------

    @Test
    void answersWithTheExactTextFinishReasonAndUsage() throws Exception {
        RecordingListener listener = run("ok/exact", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals("stop", listener.finishReason());
        assertEquals(USAGE, listener.usage());
        assertTrue(listener.tokens().size() > 1, "the answer arrives in pieces, not as one token");
    }

    @Test
    void sendsTheRequestTheProviderDocuments() throws Exception {
        run("shape-check", true, SETTINGS);

        RecordedRequest request = fake.requestsFor("shape-check").get(0);
        JsonObject body = Json.createReader(new StringReader(request.body())).readObject();
        assertTrue(request.body().contains(SYSTEM), "the system prompt is sent");
        assertTrue(request.body().contains(QUESTION), "the question is sent");
        assertRequestShape(request, body, "shape-check", true);
    }

    /**
     * A client that is not relaying hands every chunk over on its executor's threads, where it queues
     * on the answer's serial executor: same answer.
     */
    @Test
    void readsTheSameAnswerWhenEveryChunkIsQueued() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(2)).build();
        RecordingListener listener = run(new HttpTransport(List.of(client), executor, scheduler), "slow/queued", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals("stop", listener.finishReason());
        assertTrue(listener.tokens().size() > 1, "the answer arrives in pieces, not as one token");
    }

    @Test
    void tokensArriveAsTheProviderSendsThem() throws Exception {
        RecordingListener listener = run("slow/incremental", true, SETTINGS);

        assertEquals(ANSWER, listener.text());
        List<Long> times = listener.tokenTimes();
        assertTrue(times.size() > 2, "several tokens");
        long spreadNanos = times.get(times.size() - 1) - times.get(0);
        // The fake spaces its frames SLOW_PACING apart; a client that buffered the body would hand
        // every token over at once.
        assertTrue(spreadNanos >= FakeProviderServer.SLOW_PACING.toNanos(),
                "first and last token arrived " + spreadNanos / 1_000_000 + " ms apart");
    }

    @Test
    void leavesReasoningOutOfTheAnswer() throws Exception {
        RecordingListener listener = run("reasoning", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(USAGE, listener.usage());
    }

    @Test
    void ignoresCommentsAndKeepAlives() throws Exception {
        RecordingListener listener = run("comments", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(USAGE, listener.usage());
    }

    @Test
    void decodesACharacterSplitAcrossWrites() throws Exception {
        RecordingListener listener = run("split-utf8", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(SPLIT_ANSWER, listener.text());
        assertFalse(listener.text().contains("\uFFFD"), "no replacement characters");
    }

    @Test
    void readsAStreamWhateverItsContentTypeSays() throws Exception {
        // Ollama: NDJSON labelled application/json with a Content-Length, as Ollama Cloud sends it;
        // the SSE formats: their events labelled text/plain.
        RecordingListener listener = run("mislabelled", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertTrue(listener.tokens().size() > 1, "the answer arrives in pieces, not as one token");
        assertEquals("stop", listener.finishReason());
        assertEquals(USAGE, listener.usage());
    }

    @Test
    void readsServerSentEventsLabelledPlainText() throws Exception {
        RecordingListener listener = run("sse-as-text", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(USAGE, listener.usage());
    }

    @Test
    void readsAWholeJsonAnswerLabelledPlainText() throws Exception {
        RecordingListener listener = run("whole-as-text", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(List.of(ANSWER), listener.tokens());
        assertEquals(USAGE, listener.usage());
    }

    @Test
    void aBodyWithTextButNoAnswerIsAFailureNotAnEmptyAnswer() throws Exception {
        RecordingListener listener = run("unrecognised", true, SETTINGS);

        assertNotNull(listener.failure(), "a failure, not an empty complete answer");
        assertEquals(Kind.UNRECOGNISED_ANSWER, listener.failure().kind(), listener.failure().message());
        assertEquals("", listener.text());
        assertTrue(listener.failure().message().startsWith(displayName() + " "), listener.failure().message());
        assertTrue(listener.failure().message().contains("without any answer text Notebook Chat could read")
                || listener.failure().message().contains("sent no answer Notebook Chat could read"), listener.failure().message());
        assertTrue(listener.failure().message().endsWith("Check the " + displayName() + " base URL and the model name."),
                listener.failure().message());
    }

    @Test
    void answersWithoutStreamingWhenAsked() throws Exception {
        RecordingListener listener = run("whole-answer", false, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(List.of(ANSWER), listener.tokens(), "the whole answer as one token");
        assertEquals("stop", listener.finishReason());
        assertEquals(USAGE, listener.usage());
        RecordedRequest request = fake.requestsFor("whole-answer").get(0);
        assertRequestShape(request, Json.createReader(new StringReader(request.body())).readObject(), "whole-answer", false);
    }

    @Test
    void readsAPlainJsonAnswerToAStreamRequest() throws Exception {
        RecordingListener listener = run("non-streaming", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(List.of(ANSWER), listener.tokens());
        assertEquals(USAGE, listener.usage());
    }

    // ---- failures with an HTTP status ---------------------------------------------------------------

    @Test
    void rejectedKeyIsAnAuthenticationFailureWithoutTheKey() throws Exception {
        ProviderFailure failure = failure("unauthorized", Kind.AUTHENTICATION);

        assertTrue(failure.message().startsWith("The " + displayName() + " API key was rejected (HTTP "), failure.message());
        assertTrue(failure.message().contains("Check the key in Settings."), failure.message());
        assertEquals(1, fake.requestsFor("unauthorized").size(), "a rejected key is not retried");
    }

    @Test
    void unknownModelIsNotFound() throws Exception {
        ProviderFailure failure = failure("not-found", Kind.NOT_FOUND);

        assertTrue(failure.message().contains("\"not-found\""), failure.message());
        assertTrue(failure.message().contains("(HTTP 404)"), failure.message());
    }

    @Test
    void badRequestQuotesTheProviderWithTheKeyMasked() throws Exception {
        ProviderFailure failure = failure("bad-request", Kind.BAD_REQUEST);

        assertTrue(failure.message().startsWith(displayName() + " rejected the request (HTTP 400): "), failure.message());
        assertTrue(failure.message().contains("****"), "the fake quoted the key; it is masked: " + failure.message());
    }

    @Test
    void retriesARateLimitBeforeTheAnswerStarts() throws Exception {
        RecordingListener listener = run("rate-limited", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(2, fake.requestsFor("rate-limited").size(), "one 429, then the answer");
    }

    @Test
    void sendsAgainWhenTheConnectionClosesBeforeAnyAnswer() throws Exception {
        RecordingListener listener = run("closed-once", true, SETTINGS);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(2, fake.requestsFor("closed-once").size(), "closed without an answer, then answered");
    }

    @Test
    void givesUpOnAnOverloadedProviderAfterTheLastAttempt() throws Exception {
        ProviderFailure failure = failure("overloaded", Kind.UNAVAILABLE);

        assertEquals(3, fake.requestsFor("overloaded").size());
        assertTrue(failure.message().contains("after 3 attempts"), failure.message());
    }

    @Test
    void unreachableProviderSaysWhere() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        RecordingListener listener = new RecordingListener();
        adapter(transport, SETTINGS).stream(request("ok/unreachable", true, baseUrl(nowhere)), listener);

        assertTrue(listener.awaitTerminal(WAIT));
        assertEquals(Kind.CONNECTION, listener.failure().kind());
        assertTrue(listener.failure().message().startsWith("Could not reach " + displayName() + " at 127.0.0.1:" + closedPort),
                listener.failure().message());
    }

    @Test
    void aBaseUrlTheClientCannotUseSaysWhichOne() throws Exception {
        RecordingListener listener = new RecordingListener();
        adapter(transport, SETTINGS).stream(request("ok/bad-base", true, baseUrl(URI.create("ftp://127.0.0.1:2121"))), listener);

        assertTrue(listener.awaitTerminal(WAIT));
        assertEquals(Kind.CONNECTION, listener.failure().kind());
        assertTrue(listener.failure().message().contains("Check the " + displayName() + " base URL"), listener.failure().message());
    }

    // ---- failures inside the stream ------------------------------------------------------------------

    @Test
    void inBandErrorFailsAfterThePartialAnswerWithoutRetry() throws Exception {
        RecordingListener listener = run("inband-error", true, SETTINGS);

        assertEquals("The notebook", listener.text());
        assertEquals(Kind.IN_BAND, listener.failure().kind());
        assertTrue(listener.failure().message().contains(inBandDetail()), listener.failure().message());
        assertEquals(1, fake.requestsFor("inband-error").size(), "no retry once the answer started");
    }

    @Test
    void bodyEndingWithoutTheEndMarkerIsTruncated() throws Exception {
        RecordingListener listener = run("truncated", true, SETTINGS);

        assertEquals("The notebook says", listener.text());
        assertEquals(Kind.TRUNCATED, listener.failure().kind());
        assertEquals(1, fake.requestsFor("truncated").size());
    }

    @Test
    void connectionDroppedMidAnswerIsTruncated() throws Exception {
        RecordingListener listener = run("dropped", true, SETTINGS);

        assertEquals("The notebook says", listener.text());
        assertEquals(Kind.TRUNCATED, listener.failure().kind());
        assertEquals(1, fake.requestsFor("dropped").size());
    }

    @Test
    void silenceBeforeTheFirstTokenTimesOutAndCloses() throws Exception {
        ProviderSettings impatient = new ProviderSettings(SHORT_IDLE, WAIT, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run("stall-first", true, impatient);

        assertEquals(Kind.IDLE_TIMEOUT, listener.failure().kind());
        assertTrue(listener.failure().message().contains("did not start answering within"), listener.failure().message());
        assertEquals(1, fake.requestsFor("stall-first").size(), "silence is not retried");
        assertTrue(fake.requestsFor("stall-first").get(0).awaitClientClosed(WAIT), "the connection is closed");
    }

    @Test
    void silenceBeforeTheHeadersTimesOutAndCloses() throws Exception {
        ProviderSettings impatient = new ProviderSettings(SHORT_IDLE, WAIT, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run("hang-headers/idle", true, impatient);

        assertEquals(Kind.IDLE_TIMEOUT, listener.failure().kind());
        // The fake records a request once it has read it whole, which may come after the client gave up.
        var sent = fake.awaitRequest(r -> "hang-headers/idle".equals(r.model()), WAIT).orElseThrow();
        assertTrue(sent.awaitClientClosed(WAIT), "the connection is closed");
    }

    @Test
    void commentsAloneDoNotStartTheAnswer() throws Exception {
        assertKeepAlivesDoNotStartTheAnswer("pings/idle");
    }

    @Test
    void keepAliveFramesWithoutContentDoNotStartTheAnswer() throws Exception {
        assertKeepAlivesDoNotStartTheAnswer("keep-alives/idle");
    }

    private void assertKeepAlivesDoNotStartTheAnswer(String model) throws Exception {
        ProviderSettings impatient = new ProviderSettings(KEEP_ALIVE_IDLE, WAIT, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run(model, true, impatient);

        assertEquals(Kind.IDLE_TIMEOUT, listener.failure().kind(), listener.failure().message());
        assertEquals(displayName() + " did not start answering within 1 s, so the request was abandoned. Try again later.",
                listener.failure().message());
        assertEquals("", listener.text());
        RecordedRequest request = fake.requestsFor(model).get(0);
        assertTrue(request.keepAlivesSent().get() >= 1, "the fake kept the connection busy: " + request.keepAlivesSent());
        assertTrue(request.awaitClientClosed(WAIT), "the connection is closed");
        assertEquals(1, fake.requestsFor(model).size(), "silence is not retried");
    }

    @Test
    void keepAlivesAfterTokensDoNotKeepTheAnswerGoing() throws Exception {
        ProviderSettings impatient = new ProviderSettings(WAIT, KEEP_ALIVE_IDLE, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run("tokens-then-keep-alives/idle", true, impatient);

        assertEquals("The notebook says", listener.text());
        assertEquals(Kind.IDLE_TIMEOUT, listener.failure().kind(), listener.failure().message());
        assertEquals(displayName() + " paused for 1 s in the middle of the answer, so the connection was closed."
                + " The partial answer was kept.", listener.failure().message());
        RecordedRequest request = fake.requestsFor("tokens-then-keep-alives/idle").get(0);
        assertTrue(request.keepAlivesSent().get() >= 1, "the fake kept the connection busy: " + request.keepAlivesSent());
        assertTrue(request.awaitClientClosed(WAIT), "the connection is closed");
    }

    @Test
    void aModelThatThinksLongerThanTheFirstTokenTimeoutIsNotCutOff() throws Exception {
        Duration firstToken = Duration.ofSeconds(1);
        // The thinking lasts twice the first-token timeout, each gap a tenth of it.
        assertTrue(FakeProviderServer.THINKING_PACING.multipliedBy(FakeProviderServer.THINKING_FRAMES - 1)
                .compareTo(firstToken.multipliedBy(2)) >= 0);
        ProviderSettings settings = new ProviderSettings(firstToken, WAIT, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run("long-thinking", true, settings);

        assertNull(listener.failure(), () -> "unexpected failure: " + listener.failure());
        assertEquals(ANSWER, listener.text());
        assertEquals(1, fake.requestsFor("long-thinking").size());
    }

    @Test
    void silenceBetweenTokensTimesOutAndKeepsThePartialAnswer() throws Exception {
        ProviderSettings impatient = new ProviderSettings(WAIT, SHORT_IDLE, 3, Duration.ofMillis(10), Duration.ofMillis(50));
        RecordingListener listener = run("stall-mid/idle", true, impatient);

        assertEquals("The notebook says", listener.text());
        assertEquals(Kind.IDLE_TIMEOUT, listener.failure().kind());
        assertTrue(listener.failure().message().contains("in the middle of the answer"), listener.failure().message());
        assertTrue(fake.requestsFor("stall-mid/idle").get(0).awaitClientClosed(WAIT), "the connection is closed");
    }

    // ---- cancelling --------------------------------------------------------------------------------

    @Test
    void cancelBeforeTheFirstByteClosesTheConnectionAndSilencesTheListener() throws Exception {
        RecordingListener listener = new RecordingListener();
        ProviderStream stream = adapter(transport, SETTINGS).stream(request("hang-headers/cancel", true, baseUrl(fake.root())), listener);
        RecordedRequest request = fake.awaitRequest(r -> r.model().equals("hang-headers/cancel"), WAIT).orElseThrow();

        stream.cancel();

        assertTrue(request.awaitClientClosed(WAIT), "the provider sees the connection close");
        Thread.sleep(QUIET.toMillis());
        assertEquals(List.of(), listener.events());
    }

    @Test
    void cancelRightAwayEndsTheAnswerSilently() throws Exception {
        RecordingListener listener = new RecordingListener();
        // "slow" needs several pacing gaps to finish, so cancel() surely comes first; a fast answer
        // could legitimately be complete before the calling thread gets to cancel().
        ProviderStream stream = adapter(transport, SETTINGS).stream(request("slow/cancel-at-once", true, baseUrl(fake.root())), listener);

        stream.cancel();
        int heard = listener.events().size();
        stream.cancel(); // idempotent

        Thread.sleep(QUIET.toMillis());
        assertEquals(heard, listener.events().size(), "nothing after cancel()");
        assertEquals(0, listener.terminals());
    }

    @Test
    void cancelMidAnswerClosesTheConnectionAndSilencesTheListener() throws Exception {
        RecordingListener listener = new RecordingListener();
        ProviderStream stream = adapter(transport, SETTINGS).stream(request("stall-mid/cancel", true, baseUrl(fake.root())), listener);
        assertTrue(listener.awaitTokens(1, WAIT));

        stream.cancel();
        int heard = listener.events().size();

        assertTrue(fake.requestsFor("stall-mid/cancel").get(0).awaitClientClosed(WAIT), "the provider sees the connection close");
        Thread.sleep(QUIET.toMillis());
        assertEquals(heard, listener.events().size(), "nothing after cancel()");
        assertEquals(0, listener.terminals());
    }

    @Test
    void cancelWhileTokensFlowStopsThemAtOnce() throws Exception {
        RecordingListener listener = new RecordingListener();
        ProviderStream stream = adapter(transport, SETTINGS).stream(request("slow/cancel", true, baseUrl(fake.root())), listener);
        assertTrue(listener.awaitTokens(2, WAIT));

        stream.cancel();
        int heard = listener.events().size();

        assertTrue(fake.requestsFor("slow/cancel").get(0).awaitClientClosed(WAIT), "the provider sees the connection close");
        Thread.sleep(QUIET.toMillis());
        assertEquals(heard, listener.events().size(), "nothing after cancel()");
        assertFalse(listener.brokeSerialisation());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    String displayName() {
        return KnownProvider.displayName(adapter(transport, SETTINGS).name());
    }

    ProviderRequest request(String model, boolean streaming, URI baseUrl) {
        return new ProviderRequest(model, baseUrl, KEY, SYSTEM,
                List.of(new PromptMessage(Role.USER, QUESTION)), List.of(), streaming);
    }

    /** Streams {@code model} (a fake scenario) to its end and checks the listener promises held. */
    RecordingListener run(String model, boolean streaming, ProviderSettings settings) throws InterruptedException {
        return run(transport, model, streaming, settings);
    }

    RecordingListener run(HttpTransport transport, String model, boolean streaming, ProviderSettings settings)
            throws InterruptedException {
        RecordingListener listener = new RecordingListener();
        adapter(transport, settings).stream(request(model, streaming, baseUrl(fake.root())), listener);
        assertTrue(listener.awaitTerminal(WAIT), "a terminal callback arrives");
        Thread.sleep(20); // room for a second terminal callback, which must not come
        assertEquals(1, listener.terminals(), "exactly one terminal callback");
        assertFalse(listener.brokeSerialisation(), "callbacks never overlap and end with the terminal one");
        for (String thread : listener.threads("token")) {
            // relayed where the client read them, or in order on the executor: never on the scheduler or the caller
            assertTrue(thread.startsWith(EXECUTOR_THREAD) || thread.matches(SELECTOR_THREAD),
                    () -> "a token arrived on " + thread + ", neither a client's selector thread nor the transport's executor");
        }
        for (String callback : List.of("complete", "failure")) {
            for (String thread : listener.threads(callback)) {
                // the end of an answer (saving it, logging it) never holds up a relay thread
                assertTrue(thread.startsWith(EXECUTOR_THREAD), () -> "the " + callback + " callback ran on " + thread
                        + ", not on the transport's executor");
            }
        }
        ProviderFailure failure = listener.failure();
        if (failure != null) {
            assertNotNull(failure.message());
            assertFalse(failure.message().contains(KEY), "the key never appears in a message");
            assertFalse(failure.message().contains(KEY.substring(KEY.length() - 10)), "no piece of the key either");
            assertEquals(adapter(transport, settings).name(), failure.provider());
        }
        return listener;
    }

    ProviderFailure failure(String model, Kind expected) throws InterruptedException {
        RecordingListener listener = run(model, true, SETTINGS);
        assertNotNull(listener.failure(), "a failure");
        assertEquals(expected, listener.failure().kind(), listener.failure().message());
        assertEquals("", listener.text(), "no answer text");
        return listener.failure();
    }
}
