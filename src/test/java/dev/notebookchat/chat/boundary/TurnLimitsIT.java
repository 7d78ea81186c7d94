package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.EventStream.Event;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.provider.fake.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.notebookchat.chat.boundary.ChatStreamIT.BREWING;
import static dev.notebookchat.chat.boundary.ChatStreamIT.ESPRESSO_ANSWER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Turns under load and abuse: a burst larger than the connection pool, simultaneous starts on one
 * session, a user's share of running turns, caps on streams and followers, turns that never end by
 * themselves, a notebook deleted under a running turn, and resuming past the end. The server runs
 * with the limits failsafe gives it (see pom.xml), read back here so test and server agree.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TurnLimitsIT {

    /** Far longer than any healthy step here takes; only a hang waits this long. */
    static final Duration WAIT = Duration.ofSeconds(20);
    static final FakeProviders.Provider OPENAI = FakeProviders.Provider.OPENAI;

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    final ExecutorService clients = Executors.newFixedThreadPool(30);
    final List<InputStream> openStreams = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @AfterEach
    void hangUp() throws IOException {
        clients.shutdownNow();
        for (InputStream stream : openStreams) {
            stream.close();
        }
    }

    @Test
    void twentyUsersStartingAtTheSameInstantAllGetTheirAnswersFromASmallPool() throws Exception {
        assertEquals(4, setting("NOTEBOOKCHAT_DB_MAX_POOL_SIZE"), "the pool is smaller than the burst");
        List<Api> users = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Api user = Api.newUser("burst" + i);
            String notebook = user.createNotebook("Coffee");
            user.addSource(notebook, "Brewing guide", BREWING);
            users.add(user);
            sessions.add(user.createSession(notebook));
        }

        List<Callable<Api.Response>> turns = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Api user = users.get(i);
            JsonObject ask = ask(sessions.get(i), "How long does espresso take?", null);
            turns.add(() -> user.post("api/chat/execute", ask));
        }
        List<Api.Response> answers = atOnce(turns);

        for (int i = 0; i < 20; i++) {
            Api.Response answer = answers.get(i);
            assertEquals(200, answer.status(), answer.body());
            JsonArray messages = answer.json().getJsonArray("messages");
            assertEquals(2, messages.size());
            assertEquals(ESPRESSO_ANSWER, messages.getJsonObject(1).getString("content"));
            assertEquals("complete", messages.getJsonObject(1).getString("status"));
        }
    }

    @Test
    void ofThirtySimultaneousTurnsInOneSessionExactlyOneStarts() throws Exception {
        Api alice = Api.newUser("alice");
        String session = alice.createSession(alice.createNotebook("Coffee"));
        String model = OPENAI.model("endless");

        List<Callable<Started>> turns = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            JsonObject ask = ask(session, "Question " + i, model);
            turns.add(() -> start(alice, ask));
        }
        List<Started> answers = atOnce(turns);

        List<Started> started = answers.stream().filter(a -> a.status() == 200).toList();
        List<Started> refused = answers.stream().filter(a -> a.status() == 409).toList();
        assertEquals(1, started.size(), answers::toString);
        assertEquals(29, refused.size(), answers::toString);
        assertTrue(refused.stream().allMatch(a -> a.body().contains("\"error\":\"conflict\"")), refused::toString);

        stopAndAwaitEnd(alice, session);
        JsonArray messages = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages");
        assertEquals(List.of("human", "ai"), messages.getValuesAs(JsonObject.class).stream().map(m -> m.getString("type")).toList());
        assertTrue(messages.getJsonObject(0).getString("content").startsWith("Question "), messages::toString);
        assertEquals(1, fake.requestsFor(fakeModel(model)).size(), "one provider request");
    }

    @Test
    void aUsersSixthRunningTurnIsRefusedWhileAnotherUserStillStarts() throws Exception {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Coffee");
        List<String> sessions = new ArrayList<>();
        List<Future<Api.Response>> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String session = alice.createSession(notebook);
            sessions.add(session);
            JsonObject ask = ask(session, "Tell me everything.", OPENAI.model("endless"));
            running.add(clients.submit(() -> alice.post("api/chat/execute", ask)));
        }
        for (String session : sessions) {
            await(() -> messageCount(alice, session) == 2, "the turn in " + session + " started");
        }

        String sixth = alice.createSession(notebook);
        Api.Response refused = alice.post("api/chat/execute", ask(sixth, "And one more?", OPENAI.model("endless")));

        assertEquals(429, refused.status(), refused.body());
        assertEquals("5", refused.header("Retry-After"));
        assertEquals(Json.createObjectBuilder().add("error", "too_many_requests")
                .add("message", "You already have 5 answers running, the most one user may have at once. "
                        + "Wait for one to finish or stop it.").build(), refused.json());
        assertEquals(0, messageCount(alice, sixth), "nothing saved");

        Api bob = Api.newUser("bob");
        String bobs = bob.createSession(bob.createNotebook("Tea"));
        Started bobsTurn = start(bob, ask(bobs, "Tell me everything.", OPENAI.model("endless")));
        assertEquals(200, bobsTurn.status(), bobsTurn.body());

        stopAndAwaitEnd(bob, bobs);
        for (String session : sessions) {
            assertEquals(202, alice.post("api/chat/sessions/" + session + "/stop", "").status());
        }
        for (Future<Api.Response> turn : running) {
            Api.Response answer = turn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, answer.status(), answer.body());
            assertEquals("stopped", answer.json().getJsonArray("messages").getJsonObject(1).getString("status"));
        }
    }

    @Test
    void followersOfOneTurnAndStreamsOfOneUserAreCapped() {
        int followers = setting("NOTEBOOKCHAT_CHAT_MAX_FOLLOWERS_PER_TURN");
        int streams = setting("NOTEBOOKCHAT_STREAM_MAX_OPEN_PER_USER");
        assertEquals(2 * followers, streams, "two full turns fill the user's streams");
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Coffee");
        String first = alice.createSession(notebook);
        String second = alice.createSession(notebook);

        assertEquals(200, start(alice, ask(first, "Go on.", OPENAI.model("endless")), true).status());
        for (int i = 1; i < followers; i++) {
            assertEquals(200, follow(alice, first).status());
        }
        Started tooManyFollowers = follow(alice, first);
        assertEquals(429, tooManyFollowers.status(), tooManyFollowers.body());
        assertEquals("5", tooManyFollowers.header("Retry-After"));
        assertEquals("{\"error\":\"too_many_requests\",\"message\":\"This answer already has " + followers
                + " streams following it, the most allowed. Close one and try again.\"}", tooManyFollowers.body());

        assertEquals(200, start(alice, ask(second, "Go on.", OPENAI.model("endless")), true).status());
        for (int i = 1; i < followers; i++) {
            assertEquals(200, follow(alice, second).status());
        }
        Started tooManyStreams = follow(alice, second);
        assertEquals(429, tooManyStreams.status(), tooManyStreams.body());
        assertEquals("5", tooManyStreams.header("Retry-After"));
        assertEquals("{\"error\":\"too_many_requests\",\"message\":\"You already have " + streams
                + " answer streams open, the most one user may have. Close one and try again.\"}", tooManyStreams.body());

        Api bob = Api.newUser("bob");
        String bobs = bob.createSession(bob.createNotebook("Tea"));
        assertEquals(200, start(bob, ask(bobs, "Go on.", OPENAI.model("endless")), true).status(), "other users still stream");

        stopAndAwaitEnd(alice, first);
        stopAndAwaitEnd(alice, second);
        stopAndAwaitEnd(bob, bobs);
    }

    @Test
    void aTurnPastTheMaximumDurationEndsWithAnErrorAndItsPartialAnswerSaved() throws Exception {
        int maxSeconds = setting("NOTEBOOKCHAT_CHAT_MAX_TURN_DURATION");
        Api alice = Api.newUser("alice");
        String session = alice.createSession(alice.createNotebook("Coffee"));
        String model = OPENAI.model("endless");

        // read on another thread: a turn that is never ended would otherwise hold this test forever
        Future<EventStream.Result> reading = clients.submit(() ->
                EventStream.post(alice, "api/chat/execute/stream", ask(session, "Tell me everything.", model)));
        EventStream.Result stream = reading.get(maxSeconds + WAIT.toSeconds(), TimeUnit.SECONDS);

        List<Event> events = stream.events();
        Event last = events.get(events.size() - 1);
        assertEquals("error", last.type(), events::toString);
        assertEquals("The answer took longer than the " + maxSeconds + " seconds allowed and was ended. "
                + "The answer so far is saved; ask again to retry.", last.data().getString("message"));
        String streamed = events.stream().filter(e -> e.type().equals("token"))
                .map(e -> e.data().getString("content")).collect(Collectors.joining());
        assertTrue(streamed.startsWith("The notebook says says"), streamed);
        JsonObject answer = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages").getJsonObject(1);
        assertEquals("error", answer.getString("status"));
        assertEquals(streamed, answer.getString("content"));
        assertTrue(fake.requestsFor(fakeModel(model)).get(0).awaitClientClosed(WAIT), "the provider connection was closed");
    }

    @Test
    void deletingANotebookMidTurnClosesTheProviderConnectionWithinASecond() throws InterruptedException {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Coffee");
        String session = alice.createSession(notebook);
        String model = OPENAI.model("endless");
        EventStream.Result cut = EventStream.readThenHangUp(alice.request("api/chat/execute/stream")
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(ask(session, "Tell me everything.", model).toString())),
                event -> event.type().equals("token"));
        assertEquals(200, cut.status());
        RecordedRequest provider = fake.requestsFor(fakeModel(model)).get(0);
        assertFalse(provider.clientClosed(), "the answer is still streaming from the provider");

        assertEquals(204, alice.delete("api/notebooks/" + notebook).status());

        assertTrue(provider.awaitClientClosed(Duration.ofSeconds(1)), "the provider connection was closed within a second");
        assertEquals(404, alice.get("api/chat/sessions/" + session).status());
    }

    @Test
    void resumingPastTheEndOfAFinishedTurnSendsItsTerminalEvents() {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", BREWING);
        String session = alice.createSession(notebook);
        List<Event> original = EventStream.post(alice, "api/chat/execute/stream",
                ask(session, "How long does espresso take?", null)).events();
        int n = original.size();
        long last = Long.parseLong(original.get(n - 1).id()); // not n: tokens may have come merged

        for (String lastEventId : List.of(String.valueOf(last + 1), String.valueOf(last + 40))) {
            EventStream.Result resumed = EventStream.read(alice.request("api/chat/sessions/" + session + "/stream")
                    .header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).GET());

            assertEquals(200, resumed.status());
            assertEquals(List.of(String.valueOf(last - 1), String.valueOf(last)), resumed.events().stream().map(Event::id).toList(),
                    "after Last-Event-ID " + lastEventId);
            assertEquals(original.subList(n - 2, n).stream().map(Event::data).toList(),
                    resumed.events().stream().map(Event::data).toList());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** A turn start as the client saw it: the status, and the body of a refusal; a stream is left open. */
    record Started(int status, String body, HttpResponse<InputStream> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Started start(Api api, JsonObject ask) {
        return start(api, ask, false);
    }

    /** Starts a streamed turn; the stream is held open with {@code keepOpen}, else hung up at once (the turn goes on). */
    Started start(Api api, JsonObject ask, boolean keepOpen) {
        return open(api.request("api/chat/execute/stream").header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(ask.toString())), keepOpen);
    }

    /** Follows the session's turn and holds the stream open until the test ends. */
    Started follow(Api api, String session) {
        return open(api.request("api/chat/sessions/" + session + "/stream").header("Accept", "text/event-stream").GET(), true);
    }

    private Started open(HttpRequest.Builder request, boolean keepOpen) {
        try {
            HttpResponse<InputStream> response = Api.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 200) {
                if (keepOpen) {
                    synchronized (openStreams) {
                        openStreams.add(response.body());
                    }
                } else {
                    response.body().close();
                }
                return new Started(200, "", response);
            }
            try (InputStream in = response.body()) {
                return new Started(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8), response);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs every call at the same moment, each on its own client thread; the results in order. */
    private <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(clients.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        assertTrue(ready.await(WAIT.toSeconds(), TimeUnit.SECONDS), "every client thread is ready");
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    private static void stopAndAwaitEnd(Api api, String session) {
        Api.Response stopped = api.post("api/chat/sessions/" + session + "/stop", "");
        assertEquals(202, stopped.status(), stopped.body());
        await(() -> {
            JsonArray messages = api.get("api/chat/sessions/" + session).json().getJsonArray("messages");
            return !messages.getJsonObject(messages.size() - 1).getString("status").equals("streaming");
        }, "the stopped answer of " + session + " was saved");
    }

    private static int messageCount(Api api, String session) {
        return api.get("api/chat/sessions/" + session).json().getJsonArray("messages").size();
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(what, WAIT, condition);
    }

    private static JsonObject ask(String session, String message, String model) {
        var ask = Json.createObjectBuilder().add("session_id", session).add("message", message);
        if (model != null) {
            ask.add("model_override", model);
        }
        return ask.build();
    }

    /** The model name the fake sees: without the provider part. */
    private static String fakeModel(String model) {
        return model.substring(model.indexOf('/') + 1);
    }

    private static int setting(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: run the integration tests through 'mvn verify'");
        }
        return Integer.parseInt(value.strip());
    }
}
