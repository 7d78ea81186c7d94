package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.EventStream.Event;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.FakeProviders.Provider;
import dev.notebookchat.it.ServerJvm;
import dev.notebookchat.it.ServerLogs;
import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two hundred clients at once, for about a minute, doing what hostile or careless clients do: asking
 * in the same sessions at once, stopping, hanging up mid-answer, resuming from arbitrary event ids,
 * asking for the whole answer, sending bodies over the byte limit and malformed ones, and poking at
 * other users' ids. The server may refuse by design (409, 429, 503 with {@code Retry-After}, 4xx for
 * bad input) but never fails (no other 5xx), every answer it saved equals what the provider sent up to
 * where the turn ended, and afterwards its heap, threads and client connections are back where they were.
 *
 * <p>{@code it.soak.seconds} and {@code it.soak.clients} change the length and the crowd.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AbuseSoakIT {

    static final Duration SOAK = Duration.ofSeconds(Long.getLong("it.soak.seconds", 60));
    static final int CLIENTS = Integer.getInteger("it.soak.clients", 200);
    static final int USERS = 20;
    static final int SESSIONS_PER_USER = 4;
    /** Mean pause of a client between two actions. */
    static final int THINK_MILLIS = 500;
    /** The fake's answer in its {@code slow} scenario: eight frames 50 ms apart. */
    static final String ANSWER = "The notebook says tea is best.";
    /** Heap the server may keep after the soak beyond where it started: finished turns are kept for resuming. */
    static final long HEAP_SLACK_BYTES = 64L << 20;
    /** Threads the server's self-tuning pools may keep beyond the start; far below one per stream. */
    static final int THREAD_SLACK = 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    static FakeProviderServer fake;

    @BeforeAll
    static void startFakeProvider() {
        // The build runs the soak once, on the production database; a run that names it (-Dit.test) reaches H2 too.
        assumeTrue("postgresql".equals(System.getProperty("it.database")), "the abuse soak runs in the PostgreSQL pass only");
        fake = FakeProviders.start(1024);
    }

    @AfterAll
    static void stopFakeProvider() {
        if (fake != null) {
            fake.close();
        }
    }

    /** A user with a notebook, one source and a few sessions. */
    record User(Api api, String notebook, List<String> sessions) {
    }

    /** What a turn the soak saw end should have left in the database. */
    record Expected(User user, String session, String question, String status, String content, boolean hungUp) {
    }

    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    final Queue<Expected> expected = new ConcurrentLinkedQueue<>();
    final Queue<String> providerErrors = new ConcurrentLinkedQueue<>();
    final AtomicLong questions = new AtomicLong();

    @Test
    void hostileClientsMeetDesignedRefusalsOnlyLoseNoAnswerAndLeaveNothingBehind() throws Exception {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            Api api = Api.newUser("soak" + i);
            String notebook = api.createNotebook("Tea " + i);
            api.addSource(notebook, "House rules", "Tea is the best drink in the house. Steep it for four minutes.");
            List<String> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS_PER_USER; s++) {
                sessions.add(api.createSession(notebook));
            }
            users.add(new User(api, notebook, sessions));
        }

        ServerJvm server = ServerJvm.connect();
        ServerJvm.Sample before = server.sample();

        int peakThreads = runCrowd(users, server, before.threads());
        System.out.println("Abuse soak: " + CLIENTS + " clients for " + SOAK.toSeconds() + " s, " + questions.get()
                + " questions; outcomes " + new TreeMap<>(outcomes));
        Map<String, Long> errorsByMessage = new TreeMap<>();
        providerErrors.forEach(m -> errorsByMessage.merge(m, 1L, Long::sum));
        System.out.println("Abuse soak: error events " + errorsByMessage);
        assertTrue(failures.isEmpty(), failures.size() + " requests broke the contract, e.g.:\n"
                + String.join("\n", failures.stream().limit(20).toList()));

        // Every turn has ended by now or ends shortly (hung-up turns run on); then each is saved as it ended.
        awaitTrue(Duration.ofSeconds(30), () -> users.stream().allMatch(u -> u.sessions().stream()
                .allMatch(s -> messages(u.api(), s).stream().noneMatch(m -> m.getString("status").equals("streaming")))),
                () -> "answers still streaming 30 s after the soak");
        int checked = 0;
        int cutOff = 0;
        // Each session read once, now that nothing writes to it any more: a read per answer took most of a minute.
        Map<String, List<JsonObject>> saved = new HashMap<>();
        for (Expected e : expected) {
            List<JsonObject> messages = saved.computeIfAbsent(e.session(), s -> messages(e.user().api(), s));
            JsonObject answer = answerIn(messages, e.question(), e.session());
            String status = answer.getString("status");
            String content = answer.getString("content");
            if (e.hungUp() && (status.equals("error") || status.equals("stopped")) && ANSWER.startsWith(content)) {
                // Nobody saw this turn end: it may have been cut by notebookchat.chat.max-turn-duration, or
                // stopped by another client of the same user whose stop reached the session late (a stop is
                // per session); then the part the provider had sent is what must be saved.
                cutOff++;
            } else {
                assertEquals(e.status(), status, "status of the answer to " + e.question());
                assertEquals(e.content(), content, "saved answer to " + e.question());
            }
            checked++;
        }
        assertTrue(checked >= CLIENTS / 10, "only " + checked + " turns ended in the soak: the crowd barely ran");
        // How long turns take under the crowd is the benchmark's business, not an assertion here: a turn that
        // ran past the test server's limits ended with an error event, and its saved state was checked above.
        System.out.println("Abuse soak: " + checked + " saved answers checked, " + providerErrors.size()
                + " streams ended with an error event, " + cutOff + " answers of hung-up clients cut off by the turn limit or a late stop");

        // The soak's client is unreachable now: a collection lets it close its idle connections.
        System.gc();
        ServerJvm.Sample[] after = new ServerJvm.Sample[1];
        awaitTrue(Duration.ofSeconds(45), () -> {
            System.gc();
            after[0] = server.sample();
            return after[0].heapUsedBytes() <= before.heapUsedBytes() + HEAP_SLACK_BYTES
                    && after[0].threads() <= before.threads() + THREAD_SLACK
                    && after[0].httpConnections() <= before.httpConnections();
        }, () -> "the server did not return to its baseline: before " + before + ", after " + after[0]);
        System.out.println("Abuse soak: server before " + before + "; peak threads " + peakThreads + "; after " + after[0]);
        server.close();
        // Liberty says this once, the first time a thread held two connections outside a transaction; the
        // connection manager refuses two at once inside one (ConnectionPerThreadIT).
        assertEquals(List.of(), ServerLogs.messagesWith("J2CA0086"), "no thread held two database connections");
    }

    /**
     * Runs the crowd to the end of the soak through a client of its own, which is unreachable once this
     * returns; answers the most server threads seen meanwhile.
     */
    private int runCrowd(List<User> users, ServerJvm server, int threadsBefore) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService crowd = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + SOAK.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int clientNumber = c;
            running.add(crowd.submit(() -> {
                Random random = new Random(clientNumber);
                User me = users.get(clientNumber % USERS);
                User other = users.get((clientNumber + 1) % USERS);
                while (System.nanoTime() < end) {
                    act(client, random, clientNumber, me, other);
                    // A person reads before the next click; without it 200 clients are a benchmark, not a crowd.
                    TimeUnit.MILLISECONDS.sleep(THINK_MILLIS / 2 + random.nextInt(THINK_MILLIS));
                }
                return null;
            }));
        }
        int peak = threadsBefore;
        while (running.stream().anyMatch(f -> !f.isDone())) {
            peak = Math.max(peak, server.threads());
            TimeUnit.SECONDS.sleep(2);
        }
        for (Future<?> f : running) {
            f.get();
        }
        crowd.shutdown();
        return peak;
    }

    private void act(HttpClient client, Random random, int clientNumber, User me, User other) {
        String session = me.sessions().get(random.nextInt(me.sessions().size()));
        int dice = random.nextInt(100);
        try {
            if (dice < 30) {
                ask(client, me, session, clientNumber, random.nextBoolean(), Ending.READ_ALL);
            } else if (dice < 42) {
                ask(client, me, session, clientNumber, true, Ending.STOP);
            } else if (dice < 54) {
                ask(client, me, session, clientNumber, true, Ending.HANG_UP);
            } else if (dice < 60) {
                askWhole(client, me, session, clientNumber);
            } else if (dice < 75) {
                resume(client, me, session, random.nextInt(8));
            } else if (dice < 90) {
                foreign(client, me, other, random);
            } else if (dice < 98) {
                expect("malformed", send(client, me.api().request("api/chat/execute/stream")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": \"" + session + "\", \"message\": "))), 400);
            } else {
                oversize(client, me);
            }
        } catch (RuntimeException e) {
            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    enum Ending { READ_ALL, STOP, HANG_UP }

    private void ask(HttpClient client, User me, String session, int clientNumber, boolean slowProvider, Ending ending) {
        String question = "Question " + clientNumber + "-" + questions.incrementAndGet() + ": is tea best?";
        JsonObject body = Json.createObjectBuilder().add("session_id", session).add("message", question)
                .add("model_override", slowProvider ? Provider.OPENAI.model("slow") : "local/extractive").build();
        HttpRequest.Builder request = me.api().request("api/chat/execute/stream")
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        int[] stopStatus = {0};
        EventStream.Result result = EventStream.read(client, request, event -> {
            if (ending == Ending.STOP && stopStatus[0] == 0 && event.type().equals("token")) {
                stopStatus[0] = send(client, me.api().request("api/chat/sessions/" + session + "/stop")
                        .POST(HttpRequest.BodyPublishers.noBody())).status();
            }
        }, event -> ending == Ending.HANG_UP && event.type().equals("token"));
        if (result.status() != 200) {
            expect("ask", result.refusal(), 409, 429, 503);
            return;
        }
        if (ending == Ending.HANG_UP) {
            count("ask hung up");
            // A client that leaves does not stop the turn: it runs to its end and is saved whole.
            expected.add(new Expected(me, session, question, "complete", ANSWER, true));
            return;
        }
        List<Event> events = result.events();
        String where = "turn " + question + ": " + events;
        if (events.size() < 2 || !events.get(0).type().equals("user_message")) {
            failures.add("malformed stream of " + where);
            return;
        }
        Event last = events.get(events.size() - 1);
        StringBuilder tokens = new StringBuilder();
        events.stream().filter(e -> e.type().equals("token")).forEach(e -> tokens.append(e.data().getString("content")));
        if (last.type().equals("error")) {
            // A provider that falls silent past its timeout on an overloaded machine: the answer so far is kept.
            expected.add(new Expected(me, session, question, "error", tokens.toString(), false));
            providerErrors.add(last.data().getString("message"));
            count("ask error");
            return;
        }
        Event answer = events.get(events.size() - 2);
        if (!last.type().equals("complete") || !answer.type().equals("ai_message_complete")) {
            failures.add("no complete ending: " + where);
            return;
        }
        String content = answer.data().getString("content");
        if (!content.contentEquals(tokens)) {
            failures.add("ai_message_complete differs from its tokens: " + where);
        }
        String finish = last.data().getString("finish_reason");
        // No stop was sent when no token came: the turn ended first, or a sibling's stop ended it.
        if (ending == Ending.STOP && stopStatus[0] != 0 && stopStatus[0] != 202 && stopStatus[0] != 409) {
            failures.add("stop answered " + stopStatus[0] + " in " + where);
        }
        if (finish.equals("stopped")) {
            // A stop ends whatever turn its session is running (the contract's stop is per session), so a
            // client sharing this user's session may stop a local/extractive turn too; only the fake's
            // answer is known to the test, the local one is checked against its own tokens above.
            if (slowProvider && !ANSWER.startsWith(content)) {
                failures.add("a stopped answer that is not the start of the provider's: " + where);
            }
            expected.add(new Expected(me, session, question, "stopped", content, false));
            count("ask stopped");
        } else if (finish.equals("stop")) {
            if (slowProvider && !content.equals(ANSWER)) {
                failures.add("a complete answer that is not the provider's: " + where);
            }
            expected.add(new Expected(me, session, question, "complete", content, false));
            count(ending == Ending.STOP ? "ask finished before its stop" : "ask complete");
        } else {
            failures.add("finish_reason " + finish + " in " + where);
        }
    }

    private void askWhole(HttpClient client, User me, String session, int clientNumber) {
        String question = "Question " + clientNumber + "-" + questions.incrementAndGet() + ": whole, please?";
        Api.Response response = send(client, me.api().request("api/chat/execute").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder().add("session_id", session)
                        .add("message", question).add("model_override", Provider.OPENAI.model("slow")).build().toString())));
        if (response.status() == 200) {
            JsonObject answer = answerIn(response.json().getJsonArray("messages").getValuesAs(JsonObject.class), question, session);
            String content = answer.getString("content");
            if (answer.getString("status").equals("stopped") && ANSWER.startsWith(content)) {
                // A stop is per session: another client of this user may end this turn with a stop that came late.
                count("whole answer stopped");
                expected.add(new Expected(me, session, question, "stopped", content, false));
            } else {
                count("whole answer");
                expected.add(new Expected(me, session, question, "complete", ANSWER, false));
            }
        } else {
            expect("whole answer", response, 409, 429, 503);
        }
    }

    private void resume(HttpClient client, User me, String session, int lastEventId) {
        EventStream.Result result = resumeFrom(client, me, session, lastEventId);
        if (result.status() != 200) {
            expect("resume", result.refusal(), 404, 429);
            return;
        }
        List<Event> events = result.events();
        if (events.isEmpty()) {
            // Resuming at exactly the last id means the client saw the end. Which id that is changes as other
            // clients ask in the same session, so here only a log that cannot be that short is an error;
            // TurnLimitsIT pins the exact rule down.
            if (lastEventId < 2) {
                failures.add("a resumed stream after " + lastEventId + " was empty: every turn has at least two events");
            } else {
                count("resume at the end");
            }
            return;
        }
        if (!List.of("complete", "error").contains(events.get(events.size() - 1).type())) {
            failures.add("a resumed stream after " + lastEventId + " ended without its terminal event: " + events);
            return;
        }
        long previous = -1;
        for (Event e : events) {
            long id = Long.parseLong(e.id());
            // Past the end of a shorter log only the terminal events come, with the ids they have there.
            if (id <= previous || (id <= lastEventId && !TERMINAL.contains(e.type()))) {
                failures.add("event ids after " + lastEventId + " do not continue the log: " + events);
                return;
            }
            previous = id;
        }
        count("resume");
    }

    static final List<String> TERMINAL = List.of("ai_message_complete", "complete", "error");

    private static EventStream.Result resumeFrom(HttpClient client, User me, String session, int lastEventId) {
        return EventStream.read(client, me.api().request("api/chat/sessions/" + session + "/stream")
                .header("Last-Event-ID", Integer.toString(lastEventId)), event -> { }, event -> false);
    }

    /** Another user's notebook and session answer exactly like ids that do not exist, and change nothing. */
    private void foreign(HttpClient client, User me, User other, Random random) {
        String session = other.sessions().get(random.nextInt(other.sessions().size()));
        Api api = me.api();
        switch (random.nextInt(5)) {
            case 0 -> expect("foreign", send(client, api.request("api/chat/sessions/" + session)), 404);
            case 1 -> expect("foreign", send(client, api.request("api/chat/sessions/" + session + "/stop")
                    .POST(HttpRequest.BodyPublishers.noBody())), 404);
            case 2 -> expect("foreign", send(client, api.request("api/chat/sessions/" + session).DELETE()), 404);
            case 3 -> expect("foreign", send(client, api.request("api/notebooks/" + other.notebook())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\": \"Mine now\"}"))), 404);
            default -> {
                EventStream.Result result = EventStream.read(client, api.request("api/chat/sessions/" + session + "/stream"),
                        event -> { }, event -> false);
                expect("foreign", result.status() == 200 ? null : result.refusal(), 404);
            }
        }
    }

    /** One byte over the limit, sent chunked as it is generated: refused while reading, before authentication too. */
    private void oversize(HttpClient client, User me) {
        long limit = maxRequestBytes();
        HttpRequest.Builder request = me.api().request("api/notebooks/" + me.notebook() + "/sources")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Filler(limit + 1)));
        try {
            Api.Response response = Api.send(client, request);
            expect("oversize", response, 413);
        } catch (UncheckedIOException refusedWhileSending) {
            // the server answered 413 and closed before the client finished sending: the refusal it was meant to be
            count("oversize cut off");
        }
    }

    static long maxRequestBytes() {
        String configured = System.getenv("NOTEBOOKCHAT_HTTP_MAX_REQUEST_BYTES");
        return configured == null ? 16L << 20 : Long.parseLong(configured.strip());
    }

    /**
     * The start of a valid source, {@code {"title": "Big", "content": "aaa...}, as long as asked, made as
     * it is read rather than held in memory: the parser keeps reading it until the byte limit stops it.
     */
    static final class Filler extends InputStream {
        private static final byte[] START = "{\"title\": \"Big\", \"content\": \"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private final long length;
        private long position;

        Filler(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            if (position >= length) {
                return -1;
            }
            int b = position < START.length ? START[(int) position] : 'a';
            position++;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int size) {
            if (position >= length) {
                return -1;
            }
            int n = 0;
            while (n < size && position < length) {
                buffer[offset + n++] = position < START.length ? START[(int) position] : (byte) 'a';
                position++;
            }
            return n;
        }
    }

    private void expect(String action, Api.Response response, int... allowed) {
        if (response == null) {
            failures.add(action + ": the stream started where a refusal was due");
            return;
        }
        int status = response.status();
        for (int ok : allowed) {
            if (status == ok) {
                if ((status == 429 || status == 503) && response.header("Retry-After") == null) {
                    failures.add(action + ": " + status + " without Retry-After");
                }
                count(action + " " + status);
                return;
            }
        }
        failures.add(action + ": " + status + " " + response.body());
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
    }

    private static Api.Response send(HttpClient client, HttpRequest.Builder request) {
        return Api.send(client, request);
    }

    private static List<JsonObject> messages(Api api, String session) {
        Api.Response response = api.get("api/chat/sessions/" + session);
        assertEquals(200, response.status(), response.body());
        return response.json().getJsonArray("messages").getValuesAs(JsonObject.class);
    }

    /** The answer saved right after the question. */
    private static JsonObject answerIn(List<JsonObject> messages, String question, String session) {
        for (int i = 0; i + 1 < messages.size(); i++) {
            if (messages.get(i).getString("content").equals(question)) {
                return messages.get(i + 1);
            }
        }
        return fail("no saved answer to " + question + " in session " + session);
    }

    private static void awaitTrue(Duration timeout, BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure.get());
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

}
