package dev.notebookchat.operations;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.JarServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two servers of the runnable jar, A and B, on one PostgreSQL database and one Redis (a private
 * {@code redis-server} this test starts, so stopping it disturbs nothing else), sharing the data
 * folder for the dev login's key and the credential key, as a deployment behind a load balancer
 * without sticky sessions would: a turn started on A is resumed and stopped on B, one turn per
 * session holds across both, Redis may go away and come back, and a crashed A's answer is marked
 * {@code interrupted} by B once A's lease runs out.
 */
@Tag("scale-out")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    static final String QUESTION = "How long does espresso take?";
    /** Slow enough that a turn is still running while the test acts on it from the other server. */
    static final String TOKEN_DELAY = "0.15";
    static final String LEASE = "3";
    static final Duration WITHIN = Duration.ofSeconds(20);

    static Process redis;
    static int redisPort;
    static JarServer a;
    static JarServer b;
    static Api aliceOnA;
    static Api aliceOnB;
    static String notebook;

    @BeforeAll
    static void startRedisAndTwoServers() throws Exception {
        String url = System.getProperty("it.postgres.url");
        boolean ci = "true".equals(System.getenv("CI"));
        boolean haveRedis = Files.isExecutable(Path.of("/usr/bin/redis-server"));
        if (ci) {
            assertNotNull(url, "it.postgres.url names the PostgreSQL schema the two servers share");
            assertTrue(haveRedis, "/usr/bin/redis-server is needed for the scale-out test");
        }
        assumeTrue(url != null && haveRedis, "the scale-out test needs PostgreSQL (it.postgres.url) and /usr/bin/redis-server");
        int base = Integer.getInteger("it.scale-out.port", 9180);
        redisPort = base;
        startRedis();
        Map<String, String> settings = new HashMap<>(JarServer.sharedData(JarServer.build().resolve("scale-out-data")));
        settings.putAll(Map.of(
                "NOTEBOOKCHAT_DB_URL", url,
                "NOTEBOOKCHAT_DB_USER", "postgres",
                "NOTEBOOKCHAT_DB_PASSWORD", "",
                "NOTEBOOKCHAT_DEV_LOGIN", "true",
                "NOTEBOOKCHAT_LOCAL_TOKEN_DELAY", TOKEN_DELAY,
                "NOTEBOOKCHAT_CHAT_CHECKPOINT_INTERVAL", "0.3",
                "NOTEBOOKCHAT_STREAM_HEARTBEAT", "1",
                "NOTEBOOKCHAT_INSTANCE_LEASE", LEASE,
                "NOTEBOOKCHAT_TURNS_REDIS_URL", "redis://127.0.0.1:" + redisPort));
        a = new JarServer("scale-out-a", base + 1, base + 2, settings);
        b = new JarServer("scale-out-b", base + 3, base + 4, settings);
        // Started together: one migrates the schema while the other waits for Flyway's lock.
        a.start();
        b.start();
        a.awaitReady();
        b.awaitReady();
        aliceOnA = Api.newUser(a.base(), "alice");
        aliceOnB = aliceOnA.on(b.base());
        notebook = aliceOnA.createNotebook("Coffee");
        aliceOnA.addSource(notebook, "Brewing guide", RunnableJarIT.SOURCE);
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        try {
            if (a != null) {
                a.stop();
            }
        } finally {
            stopB();
        }
    }

    private static void stopB() throws InterruptedException {
        try {
            if (b != null) {
                b.stop();
            }
        } finally {
            if (redis != null) {
                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void aTurnStartedOnAIsResumedOnBWithTheSameIdsLiveAndAfterItEnded() throws Exception {
        String session = aliceOnA.createSession(notebook);
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> turn = startOnA(session, onA, 3);

        // The id of A's third event: 3, or more if A's client got tokens joined.
        String seen = onA.get(2).id();
        EventStream.Result live = EventStream.read(aliceOnB.request("api/chat/sessions/" + session + "/stream")
                .header("Last-Event-ID", seen));
        EventStream.Result onAll = turn.get(60, TimeUnit.SECONDS);

        assertEquals(200, live.status(), live.errorBody());
        assertTrue(live.events().get(0).arrivedNanos() < onAll.events().get(onAll.events().size() - 1).arrivedNanos(),
                "B followed the turn while it still ran on A");
        assertEquals(describe(onAll.events().subList(3, onAll.events().size())), describe(live.events()));
        assertEquals(RunnableJarIT.ANSWER, tokens(onAll.events().subList(0, 3)) + tokens(live.events()));

        EventStream.Result after = EventStream.read(aliceOnB.request("api/chat/sessions/" + session + "/stream")
                .header("Last-Event-ID", seen));
        assertEquals(describe(live.events()), describe(after.events()));
    }

    @Test
    @Order(2)
    void stopOnBEndsTheTurnOnAAndAnotherUsersStopIsNotFound() throws Exception {
        String session = aliceOnA.createSession(notebook);
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> turn = startOnA(session, onA, 3);

        Api bob = Api.newUser(b.base(), "bob");
        assertEquals(404, bob.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build()).status());
        Api.Response stop = aliceOnB.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build());
        EventStream.Result stopped = turn.get(60, TimeUnit.SECONDS);

        assertEquals(202, stop.status(), stop.body());
        List<EventStream.Event> events = stopped.events();
        JsonObject complete = events.get(events.size() - 1).data();
        assertEquals("complete", complete.getString("type"));
        assertEquals("stopped", complete.getString("finish_reason"));
        assertEquals(complete.getString("message_id"), stop.json().getString("message_id"));
        String partial = tokens(events);
        assertTrue(partial.length() < RunnableJarIT.ANSWER.length() && RunnableJarIT.ANSWER.startsWith(partial), partial);
        JsonObject saved = lastMessage(aliceOnB, session);
        assertEquals("stopped", saved.getString("status"));
        assertEquals(partial, saved.getString("content"));
        assertEquals(409, aliceOnB.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build()).status());
    }

    @Test
    @Order(2)
    void deletingTheSessionOnBStopsItsTurnOnA() throws Exception {
        String session = aliceOnA.createSession(notebook);
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> turn = startOnA(session, onA, 3);

        assertEquals(204, aliceOnB.delete("api/chat/sessions/" + session).status());
        List<EventStream.Event> events = turn.get(60, TimeUnit.SECONDS).events();

        assertEquals("stopped", events.get(events.size() - 1).data().getString("finish_reason"));
        assertEquals(404, aliceOnA.get("api/chat/sessions/" + session).status());
    }

    @Test
    @Order(3)
    void simultaneousExecutesOnAAndBRunOneTurn() throws Exception {
        String session = aliceOnA.createSession(notebook);
        CountDownLatch ready = new CountDownLatch(2);
        List<CompletableFuture<Api.Response>> both = new ArrayList<>();
        for (Api api : List.of(aliceOnA, aliceOnB)) {
            both.add(CompletableFuture.supplyAsync(() -> {
                ready.countDown();
                try {
                    ready.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return api.post("api/chat/execute", execute(session));
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Api.Response> one : both) {
            statuses.add(one.get(60, TimeUnit.SECONDS).status());
        }
        statuses.sort(null);
        assertEquals(List.of(200, 409), statuses);
        assertEquals(2, aliceOnB.get("api/chat/sessions/" + session).json().getJsonArray("messages").size(),
                "one question and one answer saved");
    }

    @Test
    @Order(4)
    void withRedisGoneTheTurnOnAEndsAndIsSavedRemoteCallsAre503AndAllRecovers() throws Exception {
        String session = aliceOnA.createSession(notebook);
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> turn = startOnA(session, onA, 3);

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        EventStream.Result resume = EventStream.read(aliceOnB.request("api/chat/sessions/" + session + "/stream"));
        Api.Response stop = aliceOnB.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build());
        EventStream.Result whole = turn.get(60, TimeUnit.SECONDS);

        assertEquals(503, resume.status(), resume.errorBody());
        assertNotNull(resume.header("Retry-After"));
        assertEquals(503, stop.status(), stop.body());
        assertNotNull(stop.header("Retry-After"));
        assertEquals("unavailable", stop.json().getString("error"));
        assertEquals(RunnableJarIT.ANSWER, tokens(whole.events()));
        assertEquals("complete", lastMessage(aliceOnA, session).getString("status"));
        assertEquals(RunnableJarIT.ANSWER, lastMessage(aliceOnA, session).getString("content"));

        startRedis();
        await(() -> EventStream.read(aliceOnB.request("api/chat/sessions/" + session + "/stream")).status() == 200,
                "B resuming again once Redis is back");
        // A reconnects on its own schedule, and a turn it starts before that runs unshared: ask until one is shared.
        await(ScaleOutIT::aTurnOnAIsFollowedOnB, "a turn on A followed on B event for event");
    }

    @Test
    @Order(5)
    void aCrashedServersAnswerIsMarkedInterruptedByTheOtherWithinItsLease() throws Exception {
        String session = aliceOnA.createSession(notebook);
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> {
            try {
                EventStream.post(aliceOnA, "api/chat/execute/stream", execute(session), onA::add);
            } catch (RuntimeException cutOff) {
                // the server dies under it
            }
        });
        await(() -> onA.size() >= 6, "five tokens of the turn on A");
        await(() -> !lastMessage(aliceOnB, session).getString("content").isEmpty(), "a checkpoint of the answer");
        List<EventStream.Event> onB = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> following = CompletableFuture.supplyAsync(() -> EventStream.read(
                aliceOnB.request("api/chat/sessions/" + session + "/stream"), onB::add));
        await(() -> onB.size() >= 2, "B following the turn");

        a.kill();
        await(() -> lastMessage(aliceOnB, session).getString("status").equals("interrupted"), "the answer marked interrupted");
        String saved = lastMessage(aliceOnB, session).getString("content");
        assertFalse(saved.isEmpty());
        assertTrue(RunnableJarIT.ANSWER.startsWith(saved), saved);
        List<EventStream.Event> relayed = following.get(60, TimeUnit.SECONDS).events();
        assertEquals("error", relayed.get(relayed.size() - 1).type());
        assertTrue(RunnableJarIT.ANSWER.startsWith(tokens(relayed)));
    }

    private static boolean aTurnOnAIsFollowedOnB() {
        try {
            String session = aliceOnA.createSession(notebook);
            CompletableFuture<EventStream.Result> turn = startOnA(session, new CopyOnWriteArrayList<>(), 2);
            EventStream.Result followed = EventStream.read(aliceOnB.request("api/chat/sessions/" + session + "/stream"));
            return describe(turn.get(60, TimeUnit.SECONDS).events()).equals(describe(followed.events()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A streamed turn on A, its events collected in {@code events} as they arrive, once {@code atLeast} of them came. */
    private static CompletableFuture<EventStream.Result> startOnA(String session, List<EventStream.Event> events, int atLeast)
            throws InterruptedException {
        CompletableFuture<EventStream.Result> turn = CompletableFuture.supplyAsync(() -> EventStream.post(aliceOnA,
                "api/chat/execute/stream", execute(session), events::add));
        await(() -> events.size() >= atLeast, atLeast + " events of the turn on A");
        return turn;
    }

    private static JsonObject execute(String session) {
        return Json.createObjectBuilder().add("session_id", session).add("message", QUESTION).build();
    }

    private static JsonObject lastMessage(Api api, String session) {
        var messages = api.get("api/chat/sessions/" + session).json().getJsonArray("messages");
        return messages.getJsonObject(messages.size() - 1);
    }

    private static String tokens(List<EventStream.Event> events) {
        return events.stream().filter(e -> e.type().equals("token")).map(e -> e.data().getString("content"))
                .collect(Collectors.joining());
    }

    /**
     * What two streams of one turn share exactly, however each client's tokens were joined (a client
     * that falls behind gets the tokens it missed as one event): the text between the other events, and
     * each other event with its id and data.
     */
    private static List<String> describe(List<EventStream.Event> events) {
        List<String> described = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (EventStream.Event e : events) {
            if (e.type().equals("token")) {
                text.append(e.data().getString("content"));
                continue;
            }
            if (!text.isEmpty()) {
                described.add("text " + text);
                text.setLength(0);
            }
            described.add(e.id() + " " + e.data());
        }
        if (!text.isEmpty()) {
            described.add("text " + text);
        }
        return described;
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(what, WITHIN, condition);
    }

    private static void startRedis() throws IOException, InterruptedException {
        redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(JarServer.build().resolve("scale-out-redis.log").toFile()))
                .start();
        await(ScaleOutIT::redisAnswers, "answer from redis-server on port " + redisPort);
    }

    private static boolean redisAnswers() {
        try (Socket socket = new Socket("127.0.0.1", redisPort)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            return in.readNBytes(reply, 0, 7) == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }
}
