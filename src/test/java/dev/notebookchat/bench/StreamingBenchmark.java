package dev.notebookchat.bench;

import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Measures the streaming path of a running server: how soon the first token of an answer arrives,
 * how evenly the rest follow, and what the server spends on it, at rising numbers of streams at once.
 * It never asserts on time; it writes a report ({@code report.md}, {@code report.json}).
 *
 * <p>Each simulated client is a user (dev login) with a notebook holding one source. At each level,
 * that many clients each ask a few turns in a row, every turn in a fresh chat session so that every
 * turn does the same work. All streams share one {@link HttpClient} and are read asynchronously by
 * {@link StreamProbe}s: the client side needs a handful of threads, not one per stream.
 *
 * <p>Scenarios: {@code local/extractive} (the embedded model, paced by the server's
 * {@code notebookchat.local.token-delay}), and {@code openai/<scenario>}, answered by
 * {@link FakeProviderServer} started in this JVM on {@code benchmark.fake.port}, where the server's
 * OpenAI base URL must point: {@code openai/slow} sends a frame every 50 ms, {@code openai/ok} answers
 * at once and so shows what the server itself adds before the first token.
 *
 * <p>Run by {@code mvn -Pbenchmark verify}, which starts a server of its own; or against any server on
 * this machine: {@code java -cp <test classpath> dev.notebookchat.bench.StreamingBenchmark http://localhost:9080/}
 * with {@code -Dbenchmark.levels=1,10 -Dbenchmark.scenarios=local/extractive} etc. (see {@link Settings}).
 * Exit code 0 when every stream succeeded, 1 otherwise (then {@code FAILED} in the output folder says why).
 */
public final class StreamingBenchmark {

    static final String QUESTION = "How long does an espresso take to extract, and how hot should the water be?";

    static final String SOURCE_TITLE = "Brewing guide";

    /** Short enough to be the whole context (sources go in as their first 1,000 characters by default). */
    static final String SOURCE = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 to 30 seconds to extract. "
            + "The water should be between 90 and 96 degrees Celsius when it reaches the coffee. "
            + "Water that is too hot extracts bitter compounds; water that is too cool tastes sour. "
            + "Grind size controls how fast the water flows: finer grounds slow it down. "
            + "A double shot uses about 18 grams of coffee and yields about 36 grams of espresso. "
            + "Tamp the grounds evenly so that the water does not find channels through the puck. "
            + "Fresh beans, roasted within the last month, give the richest crema.";

    private static final JsonBuilderFactory JSON_OUT = Json.createBuilderFactory(Map.of());
    private static final JsonReaderFactory JSON_IN = Json.createReaderFactory(Map.of());
    /** Concurrent requests while preparing users, notebooks and sessions (not measured). */
    private static final int PREPARATION_LANES = 8;
    private static final Duration PREPARATION_TIMEOUT = Duration.ofMinutes(5);

    private final Settings settings;
    private final ExecutorService callbacks;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<Client> clients = new ArrayList<>();
    private ServerProcess server;

    /** A simulated user: their token and the notebook their sessions belong to. */
    private record Client(int number, String token, String notebookId) {
    }

    StreamingBenchmark(Settings settings) {
        this.settings = settings;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.callbacks = Executors.newFixedThreadPool(threads, named("bench-client"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("bench-timer"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // as browsers reach the server over http://; no h2c upgrade
                .connectTimeout(Duration.ofSeconds(10))
                .executor(callbacks)
                .build();
    }

    public static void main(String[] args) {
        Path output = Path.of(System.getProperty("benchmark.output", "target/benchmark"));
        int exit;
        try {
            Files.createDirectories(output);
            Files.deleteIfExists(output.resolve("FAILED"));
            Settings settings = Settings.from(args, System.getProperties());
            StreamingBenchmark benchmark = new StreamingBenchmark(settings);
            Report report;
            try {
                report = benchmark.run();
            } finally {
                benchmark.close();
            }
            if (report.errors() > 0 && !settings.allowErrors()) {
                fail(output, report.errors() + " stream(s) failed; see report.md (benchmark.allow-errors=true accepts them)");
                exit = 1;
            } else {
                exit = 0;
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            fail(output, "The benchmark could not run: " + e);
            exit = 1;
        }
        System.exit(exit);
    }

    private static void fail(Path output, String why) {
        System.err.println(why);
        try {
            Files.writeString(output.resolve("FAILED"), why + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("Could not write " + output.resolve("FAILED") + ": " + e);
        }
    }

    Report run() throws Exception {
        FakeProviderServer fake = null;
        try {
            if (settings.needsFake() && settings.fakePort() >= 0) {
                // A backlog for every connection the server may open to it at once.
                fake = new FakeProviderServer().start(settings.fakePort(), 2 * Settings.MAX_LEVEL);
                log("Fake provider listening on " + fake.root());
            }
            awaitReady();
            server = ServerProcess.find(settings.serverPid(), settings.serverPidFile(), settings.serverName()).orElse(null);
            log(server == null
                    ? "No process of server '" + settings.serverName() + "' found: server threads, memory and CPU are not reported"
                    : "Sampling server process " + server.pid() + " (" + settings.serverName() + ")");
            Report.Machine machine = Report.Machine.now(server);

            prepareClients(settings.maxLevel());
            List<LevelResult> results = new ArrayList<>();
            for (String scenario : settings.scenarios()) {
                if (settings.warmupStreams() > 0) {
                    int concurrency = Math.min(settings.warmupStreams(), clients.size());
                    int turns = (settings.warmupStreams() + concurrency - 1) / concurrency;
                    log(scenario + ": warm-up, " + concurrency * turns + " streams");
                    runLevel(scenario, concurrency, turns);
                }
                for (int level : settings.levels()) {
                    LevelResult result = runLevel(scenario, level, settings.turnsPerClient());
                    results.add(result);
                    log(Report.progressLine(result));
                    if (fake != null) {
                        fake.reset(); // it records every request; nothing here needs them
                    }
                }
            }
            Report report = new Report(settings, machine, results);
            System.out.println();
            System.out.print(report.consoleTable());
            report.write(settings.output());
            log("Report written to " + settings.output().resolve("report.md") + " and report.json");
            return report;
        } finally {
            if (fake != null) {
                fake.close();
            }
        }
    }

    void close() {
        callbacks.shutdownNow();
        timer.shutdownNow();
    }

    // ---- one level ------------------------------------------------------------------------------

    /** {@code level} clients, each asking {@code turns} turns one after another. */
    private LevelResult runLevel(String scenario, int level, int turns) throws Exception {
        List<List<String>> sessions = createSessions(level, turns);
        Queue<StreamProbe.Result> results = new ConcurrentLinkedQueue<>();
        AtomicBoolean deadlineReached = new AtomicBoolean();
        ResourceWatch watch = new ResourceWatch(server, timer);
        watch.start();
        long started = System.nanoTime();
        long deadline = started + settings.levelTimeout().toNanos();
        CompletableFuture<?>[] chains = new CompletableFuture<?>[level];
        for (int c = 0; c < level; c++) {
            chains[c] = turns(clients.get(c), scenario, sessions.get(c), 0, deadline, results, deadlineReached);
        }
        try {
            CompletableFuture.allOf(chains).get(settings.levelTimeout().plus(settings.streamTimeout()).toSeconds() + 30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(scenario + " x " + level + " did not finish although every stream has a timeout", e);
        }
        LevelResult.Resources resources = watch.stop();
        return LevelResult.of(scenario, level, results, started, deadlineReached.get(), resources);
    }

    /** The turns of one client from the {@code k}-th on; completes normally whatever happens to them. */
    private CompletableFuture<Void> turns(Client client, String scenario, List<String> sessions, int k, long deadline,
                                          Queue<StreamProbe.Result> results, AtomicBoolean deadlineReached) {
        if (k == sessions.size()) {
            return CompletableFuture.completedFuture(null);
        }
        if (System.nanoTime() > deadline) {
            deadlineReached.set(true);
            return CompletableFuture.completedFuture(null);
        }
        return stream(client, scenario, sessions.get(k)).thenCompose(result -> {
            results.add(result);
            return turns(client, scenario, sessions, k + 1, deadline, results, deadlineReached);
        });
    }

    /** One streamed turn, measured by a {@link StreamProbe}; never completes exceptionally. */
    private CompletableFuture<StreamProbe.Result> stream(Client client, String scenario, String sessionId) {
        String body = JSON_OUT.createObjectBuilder()
                .add("session_id", sessionId)
                .add("message", QUESTION)
                .add("model_override", Settings.model(scenario, client.number()))
                .build().toString();
        HttpRequest request = HttpRequest.newBuilder(settings.base().resolve("api/chat/execute/stream"))
                .header("Authorization", "Bearer " + client.token())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .timeout(settings.streamTimeout()) // the response headers only: the watchdog covers the body
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        StreamProbe probe = new StreamProbe(System.nanoTime());
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = http.sendAsync(request, probe.handler());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(probe.result(null, e));
        }
        // cancel(true) closes the connection and fails the future (JDK 17 and later).
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            probe.timedOut();
            exchange.cancel(true);
        }, settings.streamTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return exchange.handle((response, failure) -> {
            watchdog.cancel(false);
            return probe.result(response, failure);
        });
    }

    // ---- preparation (not measured) -------------------------------------------------------------

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        HttpRequest ready = HttpRequest.newBuilder(settings.base().resolve("health/ready")).timeout(Duration.ofSeconds(5)).build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + answer.statusCode() + " " + answer.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The server at " + settings.base() + " did not become ready: " + last);
    }

    private void prepareClients(int count) throws Exception {
        log("Preparing " + count + " users, each with a notebook and a source");
        clients.addAll(inLanes(count, number -> {
            String username = "bench-" + runId + "-" + number;
            return post("api/auth/dev-token", null, JSON_OUT.createObjectBuilder().add("username", username).build(), 200)
                    .thenCompose(login -> {
                        String token = login.getString("token");
                        return post("api/notebooks", token, JSON_OUT.createObjectBuilder().add("name", "Coffee " + number).build(), 201)
                                .thenCompose(notebook -> post("api/notebooks/" + notebook.getString("id") + "/sources", token,
                                        JSON_OUT.createObjectBuilder().add("title", SOURCE_TITLE).add("content", SOURCE).build(), 201)
                                        .thenApply(source -> new Client(number, token, notebook.getString("id"))));
                    });
        }));
    }

    /** For each of {@code level} clients, {@code turns} new sessions. */
    private List<List<String>> createSessions(int level, int turns) throws Exception {
        List<String> all = inLanes(level * turns, i -> {
            Client client = clients.get(i / turns);
            return post("api/chat/sessions", client.token(),
                    JSON_OUT.createObjectBuilder().add("notebook_id", client.notebookId()).add("title", "benchmark").build(), 201)
                    .thenApply(session -> session.getString("id"));
        });
        List<List<String>> byClient = new ArrayList<>();
        for (int c = 0; c < level; c++) {
            byClient.add(all.subList(c * turns, (c + 1) * turns));
        }
        return byClient;
    }

    private CompletableFuture<JsonObject> post(String path, String token, JsonObject body, int expectedStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.base().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            try (JsonReader reader = JSON_IN.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        });
    }

    /** Runs {@code count} tasks, {@link #PREPARATION_LANES} at a time; their results in task order. */
    private <T> List<T> inLanes(int count, IntFunction<CompletableFuture<T>> task) throws Exception {
        Object[] results = new Object[count];
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(PREPARATION_LANES, count)];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = lane(next, count, task, results);
        }
        try {
            CompletableFuture.allOf(lanes).get(PREPARATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Preparing the benchmark's data failed: " + e.getCause().getMessage(), e.getCause());
        }
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) Arrays.asList(results);
        return list;
    }

    private <T> CompletableFuture<Void> lane(AtomicInteger next, int count, IntFunction<CompletableFuture<T>> task, Object[] results) {
        int i = next.getAndIncrement();
        if (i >= count) {
            return CompletableFuture.completedFuture(null);
        }
        return task.apply(i).thenCompose(result -> {
            results[i] = result;
            return lane(next, count, task, results);
        });
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void log(String message) {
        System.out.println("[benchmark] " + message);
    }
}
