package dev.notebookchat.operations;

import dev.notebookchat.bench.Nginx;
import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.JarServer;
import dev.notebookchat.provider.fake.FakeProviderServer;
import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.web.Chromium;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.notebookchat.it.FakeProviders.Provider.OPENAI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two servers of the runnable jar, A and B, on one PostgreSQL database and one Redis (a private
 * {@code redis-server} this test starts, so stopping it disturbs nothing else), sharing the data
 * folder for the dev login's key and the credential key, as a deployment behind a load balancer
 * without sticky sessions would: a turn started on A is resumed and stopped on B, one turn per
 * session holds across both, B may restart while A streams, Redis may go away and come back, and a
 * crashed A's answer is marked {@code interrupted} by B once A's lease runs out. Both servers send
 * their OpenAI turns to the fake provider, whose {@code counting} answer runs until the test ends it.
 */
@Tag("scale-out")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    static final String QUESTION = "How long does espresso take?";
    /** Slow enough that a turn is still running while the test acts on it from the other server. */
    static final String TOKEN_DELAY = "0.15";
    static final String LEASE = "3";
    static final Duration WITHIN = Duration.ofSeconds(20);

    /**
     * Put into every page before its own scripts: the server that answered each fetch (nginx's
     * {@code X-Served-By}), and every text the streaming answer showed, in order.
     */
    static final String PAGE_RECORDER = """
            window.__served = [];
            const pageFetch = window.fetch;
            window.fetch = async function (...args) {
              const response = await pageFetch.apply(this, args);
              const target = args[0];
              window.__served.push({ url: String(target && target.url ? target.url : target), by: response.headers.get('X-Served-By') });
              return response;
            };
            window.__shown = [];
            new MutationObserver(() => {
              const bubble = document.querySelector('[data-testid=ai-streaming]');
              const text = bubble ? bubble.innerText : null;
              if (text && text !== window.__shown[window.__shown.length - 1]) window.__shown.push(text);
            }).observe(document, { childList: true, subtree: true, characterData: true });
            """;
    /** Reloads allowed to land the resumed stream on the server that does not run the turn. */
    static final int RELOADS = 10;

    static FakeProviderServer fake;
    static int basePort;
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
        basePort = base;
        redisPort = base;
        fake = FakeProviders.start();
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
                "NOTEBOOKCHAT_PROVIDERS_OPENAI_BASE_URL", fake.root() + "/openai/v1",
                "NOTEBOOKCHAT_PROVIDERS_OPENAI_API_KEY", "scale-out-key"));
        settings.put("NOTEBOOKCHAT_TURNS_REDIS_URL", "redis://127.0.0.1:" + redisPort);
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
            if (fake != null) {
                fake.close();
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
        String model = OPENAI.model("counting");
        CompletableFuture<EventStream.Result> turn = startOnA(session, model, new CopyOnWriteArrayList<>(), 3);
        RecordedRequest provider = fake.requestsFor(FakeProviders.modelSent(model)).get(0);

        Api bob = Api.newUser(b.base(), "bob");
        assertEquals(404, bob.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build()).status());
        assertFalse(provider.clientClosed(), "another user's stop left the turn running");
        Api.Response stop = aliceOnB.post("api/chat/sessions/" + session + "/stop", Json.createObjectBuilder().build());

        assertEquals(202, stop.status(), stop.body());
        // The contract's bound on a stop, not a measurement: a provider connection left open past it is a leak.
        assertTrue(provider.awaitClientClosed(Duration.ofSeconds(1)), "A closed the provider connection within a second of the stop");
        EventStream.Result stopped = turn.get(60, TimeUnit.SECONDS);
        List<EventStream.Event> events = stopped.events();
        JsonObject complete = events.get(events.size() - 1).data();
        assertEquals("complete", complete.getString("type"));
        assertEquals("stopped", complete.getString("finish_reason"));
        assertEquals(complete.getString("message_id"), stop.json().getString("message_id"));
        String partial = tokens(events);
        assertFalse(partial.isEmpty());
        assertTrue(fake.counted(FakeProviders.modelSent(model)).startsWith(partial), partial);
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
    @Order(2)
    void deletingTheNotebookOnBStopsItsTurnOnA() throws Exception {
        String doomed = aliceOnA.createNotebook("Tea");
        String session = aliceOnA.createSession(doomed);
        String model = OPENAI.model("counting");
        CompletableFuture<EventStream.Result> turn = startOnA(session, model, new CopyOnWriteArrayList<>(), 3);
        RecordedRequest provider = fake.requestsFor(FakeProviders.modelSent(model)).get(0);

        assertEquals(204, aliceOnB.delete("api/notebooks/" + doomed).status());

        assertTrue(provider.awaitClientClosed(Duration.ofSeconds(1)), "A closed the provider connection within a second of the delete");
        List<EventStream.Event> events = turn.get(60, TimeUnit.SECONDS).events();
        assertEquals("stopped", events.get(events.size() - 1).data().getString("finish_reason"));
        assertEquals(404, aliceOnA.get("api/chat/sessions/" + session).status());
        assertEquals(404, aliceOnA.get("api/notebooks/" + doomed).status());
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
    void bRestartingWhileATurnStreamsOnALeavesThatTurnUntouched() throws Exception {
        String session = aliceOnA.createSession(notebook);
        String model = OPENAI.model("counting");
        List<EventStream.Event> onA = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> turn = startOnA(session, model, onA, 3);

        b.stop();
        b.start().awaitReady();
        String seen = onA.get(2).id();
        List<EventStream.Event> onB = new CopyOnWriteArrayList<>();
        CompletableFuture<EventStream.Result> resumed = CompletableFuture.supplyAsync(() -> EventStream.read(
                aliceOnB.request("api/chat/sessions/" + session + "/stream").header("Last-Event-ID", seen), onB::add));
        await(() -> !onB.isEmpty(), "the restarted B following the turn on A");
        assertFalse(turn.isDone(), "the turn on A still counts: it ends only when the test says so");
        fake.endCounting(FakeProviders.modelSent(model));
        EventStream.Result whole = turn.get(60, TimeUnit.SECONDS);
        EventStream.Result live = resumed.get(60, TimeUnit.SECONDS);

        String exact = fake.counted(FakeProviders.modelSent(model));
        List<EventStream.Event> events = whole.events();
        JsonObject complete = events.get(events.size() - 1).data();
        assertEquals("complete", complete.getString("type"));
        assertEquals("stop", complete.getString("finish_reason"));
        assertEquals(exact, tokens(events));
        JsonObject saved = lastMessage(aliceOnB, session);
        assertEquals("complete", saved.getString("status"));
        assertEquals(exact, saved.getString("content"));
        assertEquals(200, live.status(), live.errorBody());
        assertEquals(describe(events.subList(3, events.size())), describe(live.events()));
        assertEquals(exact, tokens(events.subList(0, 3)) + tokens(live.events()));
    }

    /**
     * The page, behind nginx balancing A and B round-robin, asks a question; a reload while the
     * answer streams follows the turn again from wherever its stream lands, until it lands on the
     * server that does not run the turn. There the page shows exactly the text the provider sent,
     * each character once, and ends with it.
     */
    @Test
    @Order(5)
    void aReloadMidAnswerBehindNginxResumesOnTheOtherServerWithEveryCharacterOnce() throws Exception {
        String binary = Nginx.binary(null);
        if (binary == null) {
            String message = "nginx not installed: apt-get install nginx-light (needs /usr/sbin/nginx)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        try (Nginx nginx = Nginx.balance(binary, JarServer.build().resolve("scale-out-nginx"), basePort + 5,
                List.of(a.base().getPort(), b.base().getPort()));
             Chromium chromium = Chromium.start()) {
            ChromeDriver driver = chromium.driver();
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PAGE_RECORDER));
            WebDriverWait wait = new WebDriverWait(driver, WITHIN);
            URI front = URI.create("http://127.0.0.1:" + nginx.port() + "/");
            driver.get(front.toString());
            String username = "carol-" + UUID.randomUUID().toString().substring(0, 8);
            wait.until(ExpectedConditions.elementToBeClickable(testId("login-username"))).sendKeys(username);
            driver.findElement(testId("login-submit")).click();
            wait.until(ExpectedConditions.textToBe(By.id("user-name"), username));
            Api carol = Api.withToken(front, (String) driver.executeScript("return sessionStorage.getItem('notebookchat.token')"));
            String session = carol.createSession(carol.createNotebook("Numbers"));
            String model = OPENAI.model("counting");
            String counting = FakeProviders.modelSent(model);
            assertEquals(200, carol.put("api/chat/sessions/" + session,
                    Json.createObjectBuilder().add("model_override", model).build()).status());
            driver.navigate().refresh();
            // The session is open once the picker shows its model; a question sent before would go to the default model.
            // Read in one script: the picker's options are rebuilt while the page loads, and an option found
            // by one WebDriver call can be gone by the next.
            wait.until(d -> model.equals(driver.executeScript("return document.querySelector('[data-testid=model-picker]').value")));
            wait.until(ExpectedConditions.elementToBeClickable(testId("message-input"))).sendKeys("Count for me.");
            driver.findElement(testId("send")).click();
            String runner = servedBy(driver, "api/chat/execute/stream");
            await(() -> !streamingText(driver).isEmpty(), "the answer streaming on the page");
            String follower = runner;
            int reload = 0;
            for (; reload < RELOADS && follower.equals(runner); reload++) {
                if (reload % 2 == 1) {
                    // nginx takes turns over requests in order. A reload makes the same number of requests each time, so
                    // one request more on every other reload changes which server the next page's stream lands on.
                    assertEquals(200, carol.get("api/notebooks").status());
                }
                driver.navigate().refresh();
                follower = servedBy(driver, "api/chat/sessions/" + session + "/stream");
            }
            assertNotEquals(runner, follower, "within " + RELOADS + " reloads the resumed stream went to the server not running the turn");
            System.out.println("The turn runs on " + runner + "; after " + reload + " reload(s) the page follows it on " + follower);
            String atResume = fake.counted(counting);
            await(() -> streamingText(driver).length() > atResume.length(), "the answer growing live on the other server");

            fake.holdCounting(counting);
            String exact = fake.counted(counting);
            Await.until(() -> "the page showing exactly what the provider sent: " + exact + "\nbut it shows: "
                    + streamingText(driver), WITHIN, () -> streamingText(driver).equals(exact));
            fake.endCounting(counting);
            String shownDone = wait.until(d -> (String) driver.executeScript("const done = document.querySelector("
                    + "'#conversation [data-testid=message][data-type=ai][data-status=complete]'); return done ? done.innerText : null"));

            assertEquals(exact, fake.counted(counting), "the provider sent nothing more once held");
            assertEquals(exact, shownDone);
            @SuppressWarnings("unchecked")
            List<String> shown = (List<String>) driver.executeScript("return window.__shown");
            assertFalse(shown.isEmpty());
            for (String text : shown) {
                assertTrue(exact.startsWith(text), () -> "every text the page showed while streaming is the start of the answer: " + text);
            }
            JsonObject saved = lastMessage(carol, session);
            assertEquals("complete", saved.getString("status"));
            assertEquals(exact, saved.getString("content"));
        }
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    /** The server nginx sent the page's request for {@code path} to, once its response began. */
    private static String servedBy(ChromeDriver driver, String path) {
        return Await.value("the page's request for " + path, WITHIN, () -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> served = (List<Map<String, Object>>) driver.executeScript("return window.__served");
            return served.stream().filter(s -> String.valueOf(s.get("url")).endsWith(path))
                    .map(s -> (String) s.get("by")).filter(by -> by != null).findFirst();
        });
    }

    private static String streamingText(ChromeDriver driver) {
        Object text = driver.executeScript("const bubble = document.querySelector('[data-testid=ai-streaming]');"
                + "return bubble ? bubble.innerText : ''");
        return text == null ? "" : (String) text;
    }

    @Test
    @Order(6)
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
    @Order(7)
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
        return startOnA(session, null, events, atLeast);
    }

    /** As {@link #startOnA(String, List, int)}, answered by {@code model} ({@code null}: the server's default). */
    private static CompletableFuture<EventStream.Result> startOnA(String session, String model, List<EventStream.Event> events,
                                                                  int atLeast) throws InterruptedException {
        JsonObject body = model == null ? execute(session)
                : Json.createObjectBuilder(execute(session)).add("model_override", model).build();
        CompletableFuture<EventStream.Result> turn = CompletableFuture.supplyAsync(() -> EventStream.post(aliceOnA,
                "api/chat/execute/stream", body, events::add));
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
