package dev.notebookchat.provider.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.ApiAssertions;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.EventStream.Event;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.FakeProviders.Provider;
import dev.notebookchat.it.Secrets;
import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.fake.WireFormat;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every provider end to end: through {@code POST /api/chat/execute/stream} of the running server, whose
 * providers all point at the fake provider started here (see the failsafe environment in pom.xml). The
 * model named in {@code model_override} picks what the fake does: {@code <provider>/<scenario>/<unique>}.
 * Each test signs in as a new user and asks for a model of its own, so no test sees another's data
 * or requests.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProvidersIT {

    /** What every answering transcript of the fake says. */
    static final String ANSWER = "The notebook says tea is best.";
    static final String SPLIT_ANSWER = "Tea costs 3 € in Zürich ☕.";
    /** The three tokens the fake sends before it truncates, drops or stalls a stream. */
    static final String THREE_TOKENS = "The notebook says";
    /** The two tokens before the fake's in-band error. */
    static final String TWO_TOKENS = "The notebook";
    static final JsonObject USAGE = Json.createObjectBuilder().add("input_tokens", 21).add("output_tokens", 7).build();
    /** What the reasoning transcripts think aloud, in one format or another: none of it is answer. */
    static final List<String> REASONING = List.of("The user asks", "Source 1 prefers tea", "Check the second source",
            "Weighing the sources");
    /** The provider's words in each format's in-band error frame. */
    static final Map<WireFormat, String> IN_BAND_DETAIL = Map.of(
            WireFormat.OPENAI, "Provider disconnected unexpectedly",
            WireFormat.ANTHROPIC, "Overloaded",
            WireFormat.GEMINI, "The model is overloaded. Please try again later.",
            WireFormat.OLLAMA, "an error was encountered while running the model: unexpected EOF");

    static final String QUESTION = "What does the notebook say about tea?";
    static final String SOURCE = "Tea is the best drink in the house. Steep it for four minutes.";
    /** Far longer than any healthy turn here takes; only a hang waits this long. */
    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();
    /** The turns of {@link #failsForEveryProviderAtOnce}, by scenario. */
    static final Map<String, Map<Provider, CompletableFuture<Failed>>> idleTurns = new ConcurrentHashMap<>();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    // ---- answers ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void streamsTheAnswerTokenByTokenAndSavesExactlyThat(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("ok");

        EventStream.Result stream = chat.ask(model);

        assertTrue(stream.header("Content-Type").startsWith("text/event-stream"), stream.header("Content-Type"));
        assertEquals("no-cache, no-transform", stream.header("Cache-Control"));
        assertEquals("no", stream.header("X-Accel-Buffering"));
        List<Event> events = assertWellFormed(stream);
        JsonObject complete = assertCompleted(stream, ANSWER);
        assertEquals("stop", complete.getString("finish_reason"));
        assertEquals(USAGE, complete.getJsonObject("usage"));

        JsonObject saved = chat.assertSaved(model, ANSWER, "complete");
        assertEquals(complete.getString("message_id"), saved.getString("id"));
        assertEquals(USAGE, saved.getJsonObject("usage"));

        RecordedRequest request = chat.onlyRequest(model);
        assertEquals(provider.format(), request.format());
        assertTrue(request.path().startsWith(provider.pathPrefix() + "/"), "sent to this provider's base URL: " + request.path());
        assertTrue(request.body().contains(QUESTION), "the question is sent");
        assertTrue(request.body().contains(SOURCE), "the notebook's source is sent as context");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void reasoningStaysOutOfTheAnswer(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("reasoning");

        EventStream.Result stream = chat.ask(model);

        assertCompleted(stream, ANSWER);
        for (Event event : stream.events()) {
            for (String thought : REASONING) {
                assertFalse(event.data().toString().contains(thought), "reasoning in event " + event.id() + ": " + event.data());
            }
        }
        chat.assertSaved(model, ANSWER, "complete");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aWholeJsonAnswerArrivesAsOneToken(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("non-streaming");

        EventStream.Result stream = chat.ask(model);

        JsonObject complete = assertCompleted(stream, ANSWER);
        List<Event> tokens = tokens(stream.events());
        assertEquals(1, tokens.size(), "exactly one token event");
        assertEquals(ANSWER, tokens.get(0).data().getString("content"));
        assertEquals(USAGE, complete.getJsonObject("usage"));
        chat.assertSaved(model, ANSWER, "complete");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void characterSplitAcrossWritesAndProviderKeepAlivesDoNotReachTheAnswer(Provider provider) {
        Chat chat = new Chat(provider);
        String split = provider.model("split-utf8");
        String comments = provider.model("comments");

        assertCompleted(chat.ask(split), SPLIT_ANSWER);
        JsonObject complete = assertCompleted(chat.ask(comments), ANSWER);
        assertEquals(USAGE, complete.getJsonObject("usage"));
    }

    // ---- keys -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void sendsTheServerKeyUntilTheUserStoresTheirOwn(Provider provider) {
        Chat alice = new Chat(provider, false);
        if (provider.serverKey().isPresent()) {
            String model = provider.model("ok");
            assertCompleted(alice.ask(model), ANSWER);
            assertEquals(provider.serverKey(), provider.keySent(alice.onlyRequest(model)), "the server-wide key by default");
        }

        String own = alice.storeOwnKey();
        String withOwn = provider.model("ok");
        assertCompleted(alice.ask(withOwn), ANSWER);
        RecordedRequest request = alice.onlyRequest(withOwn);
        assertEquals(own, provider.keySent(request).orElse(null), "the user's own key wins");
        assertFalse(request.path().contains(own), "the key never travels in the URL");

        if (provider.serverKey().isPresent()) {
            Chat bob = new Chat(provider, false);
            String bobs = provider.model("ok");
            assertCompleted(bob.ask(bobs), ANSWER);
            assertEquals(provider.serverKey(), provider.keySent(bob.onlyRequest(bobs)), "another user's key is theirs alone");

            alice.deleteOwnKey();
            String afterDelete = provider.model("ok");
            assertCompleted(alice.ask(afterDelete), ANSWER);
            assertEquals(provider.serverKey(), provider.keySent(alice.onlyRequest(afterDelete)),
                    "the server-wide key again once the own key is deleted");
        }
    }

    @Test
    void aProviderWithoutAnyKeyIsRefusedBeforeStreaming() {
        Provider provider = Provider.OPENROUTER;
        assertTrue(provider.serverKey().isEmpty(), "the test server has no OpenRouter key (see pom.xml)");
        Chat chat = new Chat(provider, false);
        String model = provider.model("ok");

        Api.Response refused = chat.api.post("api/chat/execute/stream", chat.ask(QUESTION, model));

        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.header("Content-Type").startsWith("application/json"), refused.header("Content-Type"));
        assertEquals("bad_request", refused.json().getString("error"));
        assertTrue(refused.json().getString("message").contains("openrouter"), refused.body());
        assertEquals(0, chat.messages().size(), "nothing was saved");
        assertTrue(fake.requestsFor(fakeModel(model)).isEmpty(), "the provider was not asked");

        assertEquals(Boolean.FALSE, available(chat, provider));
        chat.storeOwnKey();
        assertEquals(Boolean.TRUE, available(chat, provider));
        assertCompleted(chat.ask(provider.model("ok")), ANSWER);
    }

    // ---- failures -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aRejectedKeyIsAnErrorEventThatSaysToCheckTheKey(Provider provider) {
        int status = provider == Provider.GOOGLE ? 400 : 401;
        Failed failed = fails(provider, "unauthorized", "",
                "The " + provider.displayName() + " API key was rejected (HTTP " + status + "). Check the key in Settings.");

        assertEquals(1, failed.requests().size(), "a rejected key is not retried");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void anUnknownModelIsAnErrorEventNamingTheModel(Provider provider) {
        String model = provider.model("not-found");
        Failed failed = fails(provider, model, "", provider.displayName() + " does not know the model \"" + fakeModel(model)
                + "\" (HTTP 404). Check the model name or pick another model.");

        assertEquals(1, failed.requests().size(), "an unknown model is not retried");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aRejectedRequestQuotesTheProviderWithTheKeyMasked(Provider provider) {
        Failed failed = fails(provider, "bad-request", "", provider.displayName() + " rejected the request (HTTP 400): ");

        assertTrue(failed.message().contains("****"), "the key the provider quoted is masked: " + failed.message());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void anOverloadedProviderIsRetriedThenReported(Provider provider) {
        int attempts = FakeProviders.maxAttempts();
        int status = provider == Provider.ANTHROPIC ? 529 : 503;
        Failed failed = fails(provider, "overloaded", "", provider.displayName() + " is overloaded or unavailable (HTTP "
                + status + ") and still was after " + attempts + " attempts. Try again later.");

        assertEquals(attempts, failed.requests().size(), "the configured number of attempts");
        assertEquals(attempts, failed.requests().get(attempts - 1).attempt());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aRateLimitedRequestIsRetriedAndThenAnswered(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("rate-limited");

        JsonObject complete = assertCompleted(chat.ask(model), ANSWER);

        assertEquals(USAGE, complete.getJsonObject("usage"));
        assertEquals(2, chat.requests(model).size(), "one 429, then the answer");
        chat.assertSaved(model, ANSWER, "complete");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void anErrorInsideTheStreamKeepsThePartialAnswer(Provider provider) {
        fails(provider, "inband-error", TWO_TOKENS,
                provider.displayName() + " reported an error during the answer: " + IN_BAND_DETAIL.get(provider.format()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aStreamWithoutItsEndMarkerIsTruncated(Provider provider) {
        Failed failed = fails(provider, "truncated", THREE_TOKENS, "The " + provider.displayName()
                + " answer stopped before it was finished: the stream ended without its end marker. The partial answer was kept.");

        assertEquals(1, failed.requests().size(), "nothing is retried once the answer started");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aConnectionThatBreaksMidAnswerIsTruncated(Provider provider) {
        Failed failed = fails(provider, "dropped", THREE_TOKENS,
                "The " + provider.displayName() + " answer stopped before it was finished: the connection broke");

        assertTrue(failed.message().endsWith("The partial answer was kept."), failed.message());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aProviderThatFallsSilentMidAnswerIsGivenUpOnWhileTheClientHearsKeepAlives(Provider provider) {
        Duration limit = FakeProviders.betweenTokensTimeout();
        Failed failed = failsForEveryProviderAtOnce(provider, "stall-mid", THREE_TOKENS, p -> p.displayName() + " paused for "
                + seconds(limit) + " in the middle of the answer, so the connection was closed. The partial answer was kept.");

        assertTrue(failed.stream().comments().contains("keep-alive"),
                "the 1 s heartbeat kept the client's connection alive meanwhile: " + failed.stream().comments());
        assertTrue(failed.elapsed().compareTo(limit) >= 0, "not given up before the limit: " + failed.elapsed());
        assertClosedByServer(failed.requests().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aProviderThatNeverStartsIsGivenUpOn(Provider provider) {
        Duration limit = FakeProviders.firstTokenTimeout();
        Failed failed = failsForEveryProviderAtOnce(provider, "stall-first", "", p -> p.displayName() + " did not start answering within "
                + seconds(limit) + ", so the request was abandoned. Try again later.");

        assertTrue(failed.elapsed().compareTo(limit) >= 0, "not given up before the limit: " + failed.elapsed());
        assertEquals(1, failed.requests().size(), "silence is not retried");
        assertClosedByServer(failed.requests().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aProviderThatSendsOnlyKeepAlivesIsGivenUpOnAfterTheFirstTokenTimeout(Provider provider) {
        // SSE formats get ": ping" comments only; NDJSON has no comments, so Ollama gets blank lines.
        Duration limit = FakeProviders.firstTokenTimeout();
        Failed failed = failsForEveryProviderAtOnce(provider, "pings", "", p -> p.displayName() + " did not start answering within "
                + seconds(limit) + ", so the request was abandoned. Try again later.");

        assertTrue(failed.elapsed().compareTo(limit) >= 0, "not given up before the limit: " + failed.elapsed());
        assertEquals(1, failed.requests().size(), "keep-alives are not retried");
        RecordedRequest request = failed.requests().get(0);
        assertTrue(request.keepAlivesSent().get() >= 2, "keep-alives flowed meanwhile: " + request.keepAlivesSent());
        assertClosedByServer(request);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void keepAlivesAfterTheFirstTokensDoNotHoldTheTurn(Provider provider) {
        Duration limit = FakeProviders.betweenTokensTimeout();
        Failed failed = failsForEveryProviderAtOnce(provider, "tokens-then-keep-alives", THREE_TOKENS, p -> p.displayName() + " paused for "
                + seconds(limit) + " in the middle of the answer, so the connection was closed. The partial answer was kept.");

        assertTrue(failed.elapsed().compareTo(limit) >= 0, "not given up before the limit: " + failed.elapsed());
        RecordedRequest request = failed.requests().get(0);
        assertTrue(request.keepAlivesSent().get() >= 2, "keep-alives flowed meanwhile: " + request.keepAlivesSent());
        assertClosedByServer(request);
    }

    @Test
    void anOllamaStreamOfNdjsonLabelledJsonIsRelayedExactlyAndSaved() {
        // As Ollama Cloud answers: NDJSON lines as "Content-Type: application/json" with a Content-Length.
        Chat chat = new Chat(Provider.OLLAMA);
        String model = Provider.OLLAMA.model("mislabelled");

        EventStream.Result stream = chat.ask(model);

        JsonObject complete = assertCompleted(stream, ANSWER);
        List<String> deltas = List.of("The", " notebook says", " tea", " is best.");
        assertEquals(deltas.size(), ApiAssertions.assertMergedFrom(deltas,
                tokens(stream.events()).stream().map(e -> e.data().getString("content")).toList()));
        assertEquals("stop", complete.getString("finish_reason"));
        assertEquals(USAGE, complete.getJsonObject("usage"));
        chat.assertSaved(model, ANSWER, "complete");
        assertEquals(1, chat.requests(model).size());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void anAnswerInAFormatTheAdapterDoesNotReadIsAnErrorNotAnEmptyAnswer(Provider provider) {
        Failed failed = fails(provider, "unrecognised", "", provider.displayName() + " ");

        assertTrue(failed.message().contains("Notebook Chat could read"), failed.message());
        assertTrue(failed.message().endsWith("Check the " + provider.displayName() + " base URL and the model name."),
                failed.message());
    }

    @Test
    void theAnswerSoFarIsSavedWhileTheProviderIsStillWriting() {
        Chat chat = new Chat(Provider.OPENAI);
        String model = Provider.OPENAI.model("stall-mid");
        AtomicReference<JsonObject> savedMidTurn = new AtomicReference<>();
        StringBuilder streamed = new StringBuilder();

        chat.ask(model, event -> {
            // by text, not by events: tokens the stream fell behind on come as one event
            if (event.type().equals("token") && streamed.append(event.data().getString("content")).toString().equals(THREE_TOKENS)) {
                // The provider now falls silent; the periodic checkpoint (0.5 s here) saves what came so far.
                long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                while (System.nanoTime() < deadline && savedMidTurn.get() == null) {
                    JsonObject answer = chat.api.get("api/chat/sessions/" + chat.session).json()
                            .getJsonArray("messages").getJsonObject(1);
                    if (!answer.getString("content").isEmpty()) {
                        savedMidTurn.set(answer);
                    }
                }
            }
        });

        assertNotNull(savedMidTurn.get(), "the partial answer was saved before the turn ended");
        assertEquals(THREE_TOKENS, savedMidTurn.get().getString("content"));
        assertEquals("streaming", savedMidTurn.get().getString("status"));
        chat.assertSaved(model, THREE_TOKENS, "error");
    }

    // ---- stop, resume, leave --------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void stopEndsTheTurnWithThePartialAnswerAndClosesTheProviderConnection(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("stall-mid");
        StringBuilder streamed = new StringBuilder();
        AtomicReference<Api.Response> stop = new AtomicReference<>();

        EventStream.Result stream = chat.ask(model, event -> {
            if (event.type().equals("token") && streamed.append(event.data().getString("content")).toString().equals(THREE_TOKENS)) {
                stop.set(chat.api.post("api/chat/sessions/" + chat.session + "/stop", ""));
            }
        });

        assertNotNull(stop.get(), "three tokens arrived");
        assertEquals(202, stop.get().status(), stop.get().body());
        JsonObject complete = assertCompleted(stream, THREE_TOKENS);
        assertEquals("stopped", complete.getString("finish_reason"));
        assertEquals(complete.getString("message_id"), stop.get().json().getString("message_id"));
        assertEquals(chat.session, stop.get().json().getString("session_id"));
        chat.assertSaved(model, THREE_TOKENS, "stopped");
        assertClosedByServer(chat.onlyRequest(model));

        Api.Response again = chat.api.post("api/chat/sessions/" + chat.session + "/stop", "");
        assertEquals(409, again.status(), again.body());
        assertEquals("conflict", again.json().getString("error"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aResumedStreamReplaysAfterLastEventIdAndFollowsLive(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("slow");
        AtomicReference<EventStream.Result> resumed = new AtomicReference<>();
        AtomicReference<String> resumedAfter = new AtomicReference<>();
        AtomicReference<Instant> resumedAt = new AtomicReference<>();

        EventStream.Result first = chat.ask(model, event -> {
            if (event.type().equals("token") && resumedAfter.get() == null) {
                resumedAfter.set(event.id());
                resumedAt.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
                resumed.set(chat.follow(event.id())); // while the first stream waits, the second reads the turn to its end
            }
        });

        assertCompleted(first, ANSWER);
        List<Event> all = first.events();
        assertNotNull(resumed.get(), "the first stream reached its first token");
        assertSameEvents(all.subList(2, all.size()), resumed.get().events(), Long.parseLong(resumedAfter.get()));
        Instant completed = Instant.parse(all.get(all.size() - 2).data().getString("timestamp"));
        assertFalse(completed.isBefore(resumedAt.get()),
                () -> "the answer was completed at " + completed + ", after the stream resumed at " + resumedAt.get() + ": it followed the turn live");

        assertSameEvents(all.subList(1, all.size()), chat.follow("1").events(), 1);
        assertSameEvents(all, chat.follow(null).events(), 0);
        String last = all.get(all.size() - 1).id();
        assertSameEvents(List.of(), chat.follow(last).events(), Long.parseLong(last));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Provider.class)
    void aClientThatHangsUpDoesNotStopTheTurn(Provider provider) {
        Chat chat = new Chat(provider);
        String model = provider.model("slow");

        EventStream.Result cut = EventStream.readThenHangUp(chat.api.request("api/chat/execute/stream")
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(chat.ask(QUESTION, model).toString())),
                event -> event.type().equals("token"));

        assertEquals("token", cut.events().get(cut.events().size() - 1).type(), "left after the first token");
        JsonObject answer = chat.awaitAnswerEnd();
        assertEquals("complete", answer.getString("status"), answer.toString());
        assertEquals(ANSWER, answer.getString("content"));
        assertEquals(USAGE, answer.getJsonObject("usage"));
        assertFalse(chat.onlyRequest(model).clientClosed(), "the provider was read to the end");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** A failed turn as the client saw it. */
    record Failed(EventStream.Result stream, String message, List<RecordedRequest> requests, Duration elapsed) {
    }

    /**
     * Runs a turn that must fail after the stream started: tokens (the partial answer), then one
     * {@code error} event whose message starts with {@code expected}, names the provider and carries no
     * key; the question and the partial answer stay saved with status {@code error}.
     *
     * @param scenarioOrModel a scenario, or a whole model name when the test needs to know it
     */
    static Failed fails(Provider provider, String scenarioOrModel, String partial, String expected) {
        Chat chat = new Chat(provider);
        String model = scenarioOrModel.startsWith(provider.id() + "/") ? scenarioOrModel : provider.model(scenarioOrModel);
        long started = System.nanoTime();

        EventStream.Result stream = chat.ask(model);

        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        List<Event> events = assertWellFormed(stream);
        Event last = events.get(events.size() - 1);
        assertEquals("error", last.type(), () -> "the stream ends with an error event: " + types(events));
        assertEquals(events.size() - 2, tokens(events).size(), () -> "only tokens before the error: " + types(events));
        assertEquals(partial, text(tokens(events)));
        String message = last.data().getString("message");
        assertTrue(message.startsWith(expected), () -> "expected \"" + expected + "...\", got \"" + message + "\"");
        assertTrue(message.contains(provider.displayName()), message);
        Secrets.leakIn(message, chat.keys()).ifPresent(leak -> fail("the error message leaks a key: " + leak));

        chat.assertSaved(model, partial, "error");
        return new Failed(stream, message, chat.requests(model), elapsed);
    }

    /**
     * {@link #fails} for a scenario that only ends when an idle timeout runs out, so each turn takes
     * seconds however fast the machine is. The first test of the scenario starts its turn for every
     * provider at once (each a user of its own, as always); each test then checks its own provider's
     * turn, which is usually over by then. A scenario costs one timeout instead of one per provider.
     */
    static Failed failsForEveryProviderAtOnce(Provider provider, String scenario, String partial, Function<Provider, String> expected) {
        Map<Provider, CompletableFuture<Failed>> turns = idleTurns.computeIfAbsent(scenario, s -> {
            ExecutorService clients = Executors.newFixedThreadPool(Provider.values().length);
            try {
                Map<Provider, CompletableFuture<Failed>> started = new EnumMap<>(Provider.class);
                for (Provider each : Provider.values()) {
                    started.put(each, CompletableFuture.supplyAsync(() -> fails(each, scenario, partial, expected.apply(each)), clients));
                }
                return started;
            } finally {
                clients.shutdown();
            }
        });
        try {
            return turns.get(provider).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /**
     * Rules 1 and 5 for any started stream: it opens with the question as id 1, then ids rise
     * strictly. They may jump only over tokens (merged for a client that fell behind), so every event
     * but a token follows the one before it by exactly one.
     */
    static List<Event> assertWellFormed(EventStream.Result stream) {
        assertEquals(200, stream.status(), stream.errorBody());
        List<Event> events = stream.events();
        assertFalse(events.isEmpty(), "at least the user's message");
        assertEquals("user_message", events.get(0).type());
        assertEquals(QUESTION, events.get(0).data().getString("content"));
        assertEquals("1", events.get(0).id());
        for (int i = 1; i < events.size(); i++) {
            long id = Long.parseLong(events.get(i).id());
            long previous = Long.parseLong(events.get(i - 1).id());
            if (events.get(i).type().equals("token")) {
                assertTrue(id > previous, () -> "ids rise strictly: " + ids(events));
            } else {
                assertEquals(previous + 1, id, () -> "only merged tokens skip ids: " + ids(events));
            }
        }
        return events;
    }

    static List<String> ids(List<Event> events) {
        return events.stream().map(e -> e.id() + ":" + e.type()).toList();
    }

    /** Rule 3: non-empty tokens, then {@code ai_message_complete} with exactly their text, then {@code complete}. */
    static JsonObject assertCompleted(EventStream.Result stream, String answer) {
        List<Event> events = assertWellFormed(stream);
        int n = events.size();
        assertTrue(n >= 3, () -> "too short: " + types(events));
        assertEquals(List.of("ai_message_complete", "complete"), types(events).subList(n - 2, n),
                () -> stream.events().get(n - 1).data().toString());
        List<Event> tokens = events.subList(1, n - 2);
        for (Event token : tokens) {
            assertEquals("token", token.type(), () -> types(events).toString());
            assertFalse(token.data().getString("content").isEmpty(), "a token carries text");
        }
        assertEquals(answer, text(tokens));
        assertEquals(answer, events.get(n - 2).data().getString("content"));
        return events.get(n - 1).data();
    }

    /**
     * A resumed stream holds exactly what {@code expected} holds after {@code afterId}: the same text,
     * the same other events with the same ids, ids above {@code afterId} rising strictly, and nothing
     * else. Tokens may be cut differently, since each stream merges the tokens it fell behind on.
     */
    static void assertSameEvents(List<Event> expected, List<Event> actual, long afterId) {
        long previous = afterId;
        for (Event event : actual) {
            long id = Long.parseLong(event.id());
            assertTrue(id > previous, () -> "the ids after Last-Event-ID " + afterId + " rise strictly: " + ids(actual));
            previous = id;
        }
        assertEquals(text(tokens(expected)), text(tokens(actual)), "the text after Last-Event-ID " + afterId);
        List<Event> expectedOthers = expected.stream().filter(e -> !e.type().equals("token")).toList();
        List<Event> actualOthers = actual.stream().filter(e -> !e.type().equals("token")).toList();
        assertEquals(expectedOthers.stream().map(Event::id).toList(), actualOthers.stream().map(Event::id).toList(),
                "the ids after Last-Event-ID " + afterId);
        assertEquals(expectedOthers.stream().map(Event::data).toList(), actualOthers.stream().map(Event::data).toList());
        if (!expected.isEmpty() && !actual.isEmpty()) {
            assertEquals(expected.get(expected.size() - 1).id(), actual.get(actual.size() - 1).id(), "both end at the same event");
        }
    }

    static void assertClosedByServer(RecordedRequest request) {
        try {
            assertTrue(request.awaitClientClosed(WAIT), "the server closed its connection to the provider");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    static List<Event> tokens(List<Event> events) {
        return events.stream().filter(e -> e.type().equals("token")).toList();
    }

    static String text(List<Event> tokens) {
        return tokens.stream().map(e -> e.data().getString("content")).collect(Collectors.joining());
    }

    static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    /** The model part the provider receives: {@code openai/ok/x} asks OpenAI for {@code ok/x}. */
    static String fakeModel(String model) {
        return model.substring(model.indexOf('/') + 1);
    }

    /** As the failure messages write a duration. */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static Boolean available(Chat chat, Provider provider) {
        for (JsonValue entry : chat.api.get("api/models/providers").array()) {
            JsonObject p = entry.asJsonObject();
            if (p.getString("name").equals(provider.id())) {
                return p.getBoolean("available");
            }
        }
        return null;
    }

    /** A new user with a notebook, a source and a chat session, ready to ask one provider. */
    static final class Chat {
        final Provider provider;
        final Api api;
        final String session;
        /** The key the provider must receive now; {@code null} for none. */
        String key;

        /** Ready to ask: with the server's key, or an own key where the server has none. */
        Chat(Provider provider) {
            this(provider, true);
        }

        Chat(Provider provider, boolean ownKeyIfNeeded) {
            this.provider = provider;
            this.api = Api.newUser(provider.id());
            String notebook = api.createNotebook("Tea");
            api.addSource(notebook, "Tea notes", SOURCE);
            this.session = api.createSession(notebook);
            this.key = provider.serverKey().orElse(null);
            if (key == null && ownKeyIfNeeded) {
                storeOwnKey();
            }
        }

        /** Stores a new own key for the provider, distinctive enough that any piece of it is recognised. */
        String storeOwnKey() {
            String own = Secrets.newKey("usr-");
            Api.Response stored = api.put("api/credentials/" + provider.id(), Json.createObjectBuilder().add("api_key", own).build());
            assertEquals(200, stored.status(), stored.body());
            key = own;
            return own;
        }

        /** Deletes the own key: the server's key, if any, is used again. */
        void deleteOwnKey() {
            Api.Response deleted = api.delete("api/credentials/" + provider.id());
            assertEquals(204, deleted.status(), deleted.body());
            key = provider.serverKey().orElse(null);
        }

        /** Every key this user's turns could have sent. */
        List<String> keys() {
            List<String> keys = new ArrayList<>();
            for (Provider p : Provider.values()) {
                p.serverKey().ifPresent(keys::add);
            }
            if (key != null) {
                keys.add(key);
            }
            return keys;
        }

        JsonObject ask(String message, String model) {
            return Json.createObjectBuilder().add("session_id", session).add("message", message).add("model_override", model).build();
        }

        EventStream.Result ask(String model) {
            return ask(model, event -> { });
        }

        EventStream.Result ask(String model, Consumer<Event> onEvent) {
            return EventStream.post(api, "api/chat/execute/stream", ask(QUESTION, model), onEvent);
        }

        /** {@code GET /api/chat/sessions/{id}/stream}, after {@code lastEventId} when it is given. */
        EventStream.Result follow(String lastEventId) {
            HttpRequest.Builder request = api.request("api/chat/sessions/" + session + "/stream")
                    .header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            EventStream.Result stream = EventStream.read(request);
            assertEquals(200, stream.status(), stream.errorBody());
            return stream;
        }

        JsonArray messages() {
            Api.Response response = api.get("api/chat/sessions/" + session);
            assertEquals(200, response.status(), response.body());
            return response.json().getJsonArray("messages");
        }

        /** Checks the question and the answer as saved; returns the answer. */
        JsonObject assertSaved(String model, String content, String status) {
            JsonArray messages = messages();
            assertEquals(2, messages.size(), messages::toString);
            JsonObject human = messages.getJsonObject(0);
            assertEquals("human", human.getString("type"));
            assertEquals(QUESTION, human.getString("content"));
            JsonObject answer = messages.getJsonObject(1);
            assertEquals("ai", answer.getString("type"));
            assertEquals(content, answer.getString("content"), "the saved answer");
            assertEquals(status, answer.getString("status"), "the saved status");
            assertEquals(model, answer.getString("model"));
            return answer;
        }

        /** Waits until the answer is no longer {@code streaming}; returns it. */
        JsonObject awaitAnswerEnd() {
            return Await.value("the answer in " + session + " is no longer streaming", WAIT, () -> {
                JsonArray messages = messages();
                JsonObject answer = messages.getJsonObject(messages.size() - 1);
                return "streaming".equals(answer.getString("status")) ? Optional.empty() : Optional.of(answer);
            });
        }

        /** The provider's requests for {@code model}, each checked to carry the key it should. */
        List<RecordedRequest> requests(String model) {
            List<RecordedRequest> requests = fake.requestsFor(fakeModel(model));
            for (RecordedRequest request : requests) {
                assertEquals(key, provider.keySent(request).orElse(null),
                        "the key " + provider.displayName() + " received");
            }
            return requests;
        }

        RecordedRequest onlyRequest(String model) {
            List<RecordedRequest> requests = requests(model);
            assertEquals(1, requests.size(), "requests for " + model);
            return requests.get(0);
        }
    }
}
