package dev.notebookchat.bench;

import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;

import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.TreeMap;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The relay benchmark: the app's streaming path beside the floor a pure relay reaches on this machine,
 * nginx in front of the same fake provider, in the same run. Every load is open-loop: the start time of
 * each turn is fixed in advance, and times are measured from it, so queueing in front of a saturated
 * relay shows in the figures instead of slowing the load down.
 *
 * <p>Relays ({@code benchmark.targets}): {@code nginx}, the floor; {@code app}, the benchmark's Liberty
 * server; {@code app2}, two servers of the runnable jar behind nginx balancing them round-robin, on one
 * PostgreSQL and one Redis (see {@link TwoServers}).
 *
 * <p>Loads, each run through every relay in turn:
 * <ul>
 *   <li>{@code rate}: turns of 5 tokens sent at once, started at a fixed rate (50, 100, 200, 400/s);</li>
 *   <li>{@code streams}: that many streams open at once, 20 tokens/s each;</li>
 *   <li>{@code ramp}: streams at 1 token/s, opened at a fixed rate until that many are open at once,
 *       sampling the relay's heap (app), resident memory, threads and open files every second.</li>
 * </ul>
 * Per token, latency is its arrival minus the send time the fake stamped in it ({@code paced-…}
 * scenarios); per turn, added time to first token is from its scheduled start to its first token (the
 * fake sends the first token as soon as it has read the request). CPU comes from {@code /proc}: the
 * server's JVM as a whole for the app, both servers' JVMs summed for app2 (not the nginx in front of
 * them), nginx's worker processes for nginx.
 *
 * <p>Run by {@code mvn -Pbenchmark verify} (see README, "Benchmark"). Never asserts on time; exit code 1
 * (and a {@code FAILED} file) only when it could not run or, unless allowed, a stream failed.
 */
public final class RelayBenchmark {

    static final String QUESTION = StreamingBenchmark.QUESTION;
    static final String FAKE_KEY = "benchmark-fake-key";
    private static final JsonBuilderFactory JSON_OUT = Json.createBuilderFactory(Map.of());
    private static final JsonReaderFactory JSON_IN = Json.createReaderFactory(Map.of());
    private static final int PREPARATION_LANES = 8;
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

    /**
     * One relay under load: where the client sends its requests, the users it signs in as (app: token,
     * notebook id), the processes whose CPU is measured and those whose memory, threads and files are
     * summed, and the heap (null when not measured).
     */
    record Target(String name, RelayProbe.Via via, URI base, List<String[]> clients, Supplier<List<Long>> measured,
                  Supplier<List<Long>> watched, ServerHeap heap) {
    }

    /** One load: {@code turns} turns of fake scenario {@code scenario}, started {@code rate} per second. */
    record Load(String kind, int level, String scenario, int turns, double rate, int tokensPerTurn) {
        String label() {
            return switch (kind) {
                case "rate" -> level + " turns/s";
                case "streams" -> level + " streams x 20 tokens/s";
                case "warmup" -> "warm-up";
                default -> "ramp to " + level + " streams x 1 token/s";
            };
        }
    }

    private final Properties p;
    private final URI base;
    private final Path output;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final ExecutorService callbacks;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService sampler;
    private final HttpClient http;
    private final Duration streamTimeout;
    private final List<String> notes = new ArrayList<>();

    RelayBenchmark(Properties properties) {
        this.p = properties;
        String baseText = properties.getProperty("benchmark.base-url", "http://localhost:9580/");
        this.base = URI.create(baseText.endsWith("/") ? baseText : baseText + "/");
        if (!List.of("localhost", "127.0.0.1").contains(base.getHost())) {
            throw new IllegalArgumentException("The benchmark only runs against this machine, not " + base);
        }
        this.output = Path.of(properties.getProperty("benchmark.output", "target/benchmark"));
        this.streamTimeout = Duration.ofSeconds(integer("benchmark.stream-timeout", 60, 1, 3600));
        int threads = integer("benchmark.client-threads", 3, 1, 16);
        this.callbacks = Executors.newFixedThreadPool(threads, named("bench-client"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("bench-timer"));
        this.sampler = Executors.newSingleThreadScheduledExecutor(named("bench-sampler"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(callbacks)
                .build();
    }

    /**
     * How long the client keeps an idle connection for reuse, in seconds: less than Liberty's
     * keep-alive timeout (30 s), so a connection idle through another relay's loads is dropped here
     * before the server closes it, instead of being handed the next POST (the JDK's default is 1,200 s).
     */
    static final String IDLE_CONNECTION_SECONDS = "20";

    public static void main(String[] args) {
        // Read once, when the client's connection pool is first used.
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", IDLE_CONNECTION_SECONDS);
        }
        Path output = Path.of(System.getProperty("benchmark.output", "target/benchmark"));
        int exit;
        try {
            Files.createDirectories(output);
            Files.deleteIfExists(output.resolve("FAILED"));
            RelayBenchmark benchmark = new RelayBenchmark(System.getProperties());
            RelayReport report;
            try {
                report = benchmark.run();
            } finally {
                benchmark.close();
            }
            boolean allowErrors = Boolean.parseBoolean(System.getProperty("benchmark.allow-errors", "false"));
            if (report.errors() > 0 && !allowErrors) {
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

    // ---- the run --------------------------------------------------------------------------------

    RelayReport run() throws Exception {
        List<String> targets = list(p.getProperty("benchmark.targets", "nginx,app"));
        for (String target : targets) {
            if (!List.of("nginx", "app", "app2").contains(target)) {
                throw new IllegalArgumentException("benchmark.targets: " + target + " is none of nginx, app, app2");
            }
        }
        if (targets.contains("app2") && !"postgresql".equals(p.getProperty("benchmark.database", "h2"))) {
            throw new IllegalArgumentException("The target app2 (two servers behind nginx) needs the database they share: "
                    + "add -Dbenchmark.database=postgresql");
        }
        List<Load> loads = loads();
        int maxStreams = loads.stream().mapToInt(l -> "rate".equals(l.kind()) ? (int) Math.ceil(l.rate()) : l.level()).max().orElse(1);
        int fakePort = integer("benchmark.fake.port", 9983, 1, 65535);
        int nginxPort = integer("benchmark.nginx.port", 9584, 1, 65535);
        FakeProviderServer fake = null;
        Nginx nginx = null;
        ServerHeap heap = null;
        TwoServers two = null;
        try {
            // A backlog for every connection that may arrive at once, so a full queue never looks like latency.
            fake = new FakeProviderServer().start(fakePort, Math.max(1024, 2 * maxStreams));
            log("Fake provider on " + fake.root());
            String binary = Nginx.binary(p.getProperty("benchmark.nginx", ""));
            if (binary == null && (targets.contains("nginx") || targets.contains("app2"))) {
                throw new IllegalStateException("nginx is not installed: apt-get install -y nginx-light, or -Dbenchmark.nginx=/path/to/nginx, "
                        + "or -Dbenchmark.targets=app to measure the app alone");
            }
            Map<String, Target> relays = new TreeMap<>();
            int users = integer("benchmark.users", 50, 1, 1000);
            if (targets.contains("nginx")) {
                nginx = Nginx.start(binary, output.resolve("nginx"), nginxPort, List.of(fakePort), maxStreams);
                log("nginx " + nginx.masterPid() + " on 127.0.0.1:" + nginxPort + ", workers " + nginx.workerPids());
                Nginx floor = nginx;
                relays.put("nginx", new Target("nginx", RelayProbe.Via.NGINX, URI.create("http://127.0.0.1:" + nginxPort + "/"), List.of(),
                        floor::workerPids, () -> {
                            List<Long> all = new ArrayList<>(floor.workerPids());
                            all.add(floor.masterPid());
                            return all;
                        }, null));
            }
            ServerProcess server = null;
            if (targets.contains("app")) {
                awaitReady();
                server = ServerProcess.find(Long.parseLong(p.getProperty("benchmark.server.pid", "0")),
                        pathOrNull(p.getProperty("benchmark.server.pid-file", "")),
                        p.getProperty("benchmark.server.name", "notebookchat-bench")).orElse(null);
                if (server == null) {
                    throw new IllegalStateException("No process of the server found: its CPU cannot be measured (benchmark.server.pid)");
                }
                log("Server process " + server.pid());
                heap = ServerHeap.connect(pathOrNull(p.getProperty("benchmark.server.jmx-address-file", "")));
                long pid = server.pid();
                relays.put("app", new Target("app", RelayProbe.Via.APP, base, prepareClients(base, users),
                        () -> List.of(pid), () -> List.of(pid), heap));
            }
            if (targets.contains("app2")) {
                log("Starting two servers of the runnable jar behind nginx (PostgreSQL, Redis "
                        + p.getProperty("benchmark.redis-url", "redis://127.0.0.1:6379/5") + ")");
                two = TwoServers.start(p, binary, output, integer("benchmark.app2.port", 9585, 1, 65530), maxStreams);
                relays.put("app2", new Target("app2", RelayProbe.Via.APP, two.base(), prepareClients(two.base(), users),
                        two::pids, two::pids, two.heap()));
            }
            int warmup = integer("benchmark.warmup-turns", 300, 0, 10_000);
            if (warmup > 0) {
                warmUp(warmUpRound(loads, warmup, maxStreams), targets, relays, notes);
                fake.reset();
            }
            String loadBefore = ProcTotals.loadAverage();
            List<RelayReport.Row> rows = new ArrayList<>();
            for (Load load : loads) {
                for (String target : targets) {
                    RelayReport.Row row = runLoad(load, relays.get(target));
                    rows.add(row);
                    log(row.progressLine());
                    fake.reset(); // it records every request; nothing here needs them
                }
            }
            RelayReport report = new RelayReport(machine(server, two, loadBefore), settings(), notes, rows);
            System.out.println();
            System.out.print(report.consoleTable());
            report.write(output);
            log("Report written to " + output.resolve("report.md") + ", report.json and latency.png");
            return report;
        } finally {
            if (heap != null) {
                heap.close();
            }
            if (two != null) {
                two.close();
            }
            if (nginx != null) {
                nginx.close();
                log("nginx stopped");
            }
            if (fake != null) {
                fake.close();
            }
        }
    }

    void close() {
        callbacks.shutdownNow();
        timer.shutdownNow();
        sampler.shutdownNow();
    }

    List<Load> loads() {
        List<Load> loads = new ArrayList<>();
        int rateSeconds = integer("benchmark.rate-seconds", 10, 1, 600);
        for (String text : list(p.getProperty("benchmark.rates", "50,100,200,400"))) {
            int rate = bounded("benchmark.rates", Integer.parseInt(text), 1, 2000);
            loads.add(new Load("rate", rate, "paced-5-0", rate * rateSeconds, rate, 5));
        }
        int streamSeconds = integer("benchmark.stream-seconds", 10, 1, 600);
        int openRate = integer("benchmark.open-rate", 250, 1, 2000);
        for (String text : list(p.getProperty("benchmark.streams", "100,500,1000"))) {
            int streams = bounded("benchmark.streams", Integer.parseInt(text), 1, 10_000);
            // Opened at openRate/s, each lasts streamSeconds once the last is open, so all are open together.
            int tokens = 20 * (streamSeconds + (int) Math.ceil(streams / (double) openRate));
            loads.add(new Load("streams", streams, "paced-" + tokens + "-50", streams, openRate, tokens));
        }
        int ramp = integer("benchmark.ramp", 5000, 0, 20_000);
        if (ramp > 0) {
            int rampRate = integer("benchmark.ramp-rate", 250, 1, 2000);
            int capped = Math.min(ramp, streamsWithinFileLimit());
            if (capped < ramp) {
                notes.add("The ramp was capped at " + capped + " streams (asked: " + ramp + "): this JVM's open-file limit is "
                        + openFileLimit() + " and it holds two sockets per stream (client and fake provider). Raise it with `ulimit -n` before `mvn`.");
            }
            // Every stream stays open until the last one has been open for a while: tokens cover the whole ramp.
            int hold = integer("benchmark.ramp-hold-seconds", 20, 1, 600);
            int tokens = (int) Math.ceil(capped / (double) rampRate) + hold;
            loads.add(new Load("ramp", capped, "paced-" + tokens + "-1000", capped, rampRate, tokens));
        }
        return loads;
    }

    /** One load through one relay, with that relay's processes watched from the first scheduled start to the last stream's end. */
    private RelayReport.Row runLoad(Load load, Target target) throws Exception {
        List<String> sessions = target.via() == RelayProbe.Via.APP ? createSessions(target, load.turns()) : List.of();
        Supplier<List<Long>> pids = target.measured();
        Supplier<List<Long>> allPids = target.watched();
        ServerHeap heap = target.heap();
        long ticks = clockTicks();
        Queue<RelayProbe.Result> results = new ConcurrentLinkedQueue<>();
        AtomicInteger open = new AtomicInteger();
        RelayReport.Peaks peaks = new RelayReport.Peaks();
        List<RelayReport.Sample> series = new ArrayList<>();
        CompletableFuture<?>[] streams = new CompletableFuture<?>[load.turns()];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new CompletableFuture<>();
        }
        long benchCpuBefore = benchCpuNanos();
        ProcTotals before = ProcTotals.of(pids.get(), ticks);
        long start = System.nanoTime() + 200_000_000L; // time to schedule them all before the first is due
        Runnable sample = () -> {
            ProcTotals now = ProcTotals.of(allPids.get(), ticks);
            MemoryUsage used = heap == null ? null : heap.heap();
            RelayReport.Sample s = new RelayReport.Sample(Math.max(0, System.nanoTime() - start) / 1e9, open.get(), now.rssKb(), now.threads(),
                    now.openFiles(), used == null ? -1 : used.getUsed(), used == null ? -1 : used.getCommitted());
            synchronized (series) {
                series.add(s);
            }
            peaks.add(s);
        };
        ScheduledFuture<?> sampling = sampler.scheduleAtFixedRate(sample, 0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LongAdder received = new LongAdder();
        CompletableFuture<RelayReport.Steady> steady = allOpen(load, start, pids, ticks, received);
        for (int i = 0; i < load.turns(); i++) {
            int n = i;
            long due = start + (long) (i * 1e9 / load.rate());
            timer.schedule(() -> {
                open.incrementAndGet();
                stream(target, load, n, due, sessions.isEmpty() ? null : sessions.get(n), received).whenComplete((result, failure) -> {
                    open.decrementAndGet();
                    results.add(result);
                    streams[n].complete(null);
                });
            }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        long expected = (long) (load.turns() / load.rate()) + load.tokensPerTurn() * pacingMillis(load.scenario()) / 1000;
        try {
            CompletableFuture.allOf(streams).get(expected + streamTimeout.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(load.label() + " via " + target.name() + " did not finish although every stream has a timeout", e);
        }
        sampling.cancel(false);
        sampler.submit(() -> { }).get(10, TimeUnit.SECONDS);
        sample.run();
        ProcTotals after = ProcTotals.of(pids.get(), ticks);
        long wall = System.nanoTime() - start;
        long benchCpu = benchCpuNanos() - benchCpuBefore;
        double cpuMillis = before.cpuNanos() < 0 || after.cpuNanos() < 0 ? -1 : (after.cpuNanos() - before.cpuNanos()) / 1e6;
        return RelayReport.Row.of(load, target.name(), results, cpuMillis, wall / 1e9,
                100.0 * benchCpu / wall, peaks, load.kind().equals("ramp") ? series : List.of(), ProcTotals.loadAverage(),
                steady.getNow(null));
    }

    /**
     * For loads that hold their streams open together (streams, ramp): the relay's CPU and the tokens
     * (and so their latency) received from one second after the last stream is due to start to one second before the first is
     * due to end, when the relay does nothing but relay tokens. Completes with null for other loads and
     * when that window is shorter than two seconds.
     */
    private CompletableFuture<RelayReport.Steady> allOpen(Load load, long start, Supplier<List<Long>> pids, long ticks,
                                                         LongAdder received) {
        CompletableFuture<RelayReport.Steady> steady = new CompletableFuture<>();
        long from = start + (long) ((load.turns() - 1) * 1e9 / load.rate()) + 1_000_000_000L;
        long to = start + load.tokensPerTurn() * pacingMillis(load.scenario()) * 1_000_000L - 1_000_000_000L;
        if (load.kind().equals("rate") || load.kind().equals("warmup") || to - from < 2_000_000_000L) {
            steady.complete(null);
            return steady;
        }
        long[] first = new long[2];
        timer.schedule(() -> {
            first[0] = ProcTotals.of(pids.get(), ticks).cpuNanos();
            first[1] = received.sum();
            timer.schedule(() -> {
                long cpu = ProcTotals.of(pids.get(), ticks).cpuNanos();
                long tokens = received.sum() - first[1];
                steady.complete(new RelayReport.Steady((to - from) / 1e9,
                        first[0] < 0 || cpu < 0 ? -1 : (cpu - first[0]) / 1e6, tokens, from, to));
            }, to - System.nanoTime(), TimeUnit.NANOSECONDS);
        }, from - System.nanoTime(), TimeUnit.NANOSECONDS);
        return steady;
    }

    /**
     * Unmeasured rounds of {@code round} through each relay until its JVMs' compilers are nearly idle: a
     * freshly started server compiles its hot paths for minutes on 2 shared cores, and that compiling
     * is no part of what a running server spends per turn. Each round is measured on its own; the
     * warm-up ends when the compiler threads used at most {@code benchmark.warmup-jit-cores} of a core
     * during a round, or after {@code benchmark.warmup-max-seconds}. nginx has no compiler: one round.
     */
    private void warmUp(List<Load> round, List<String> targets, Map<String, Target> relays, List<String> notes) throws Exception {
        double idleCores = Double.parseDouble(p.getProperty("benchmark.warmup-jit-cores", "0.1").strip());
        long maxNanos = TimeUnit.SECONDS.toNanos(integer("benchmark.warmup-max-seconds", 300, 0, 3600));
        long ticks = clockTicks();
        for (String target : targets) {
            Target relay = relays.get(target);
            long start = System.nanoTime();
            int rounds = 0;
            double compiling;
            do {
                long jitBefore = ProcTotals.compilerNanos(relay.measured().get(), ticks);
                long from = System.nanoTime();
                for (Load load : round) {
                    runLoad(load, relay);
                }
                rounds++;
                long jitAfter = ProcTotals.compilerNanos(relay.measured().get(), ticks);
                compiling = jitBefore < 0 || jitAfter < 0 ? -1 : (jitAfter - jitBefore) / (double) (System.nanoTime() - from);
                log("Warm-up through " + target + ", round " + rounds + ": " + describe(round)
                        + (compiling < 0 ? "" : String.format(Locale.ROOT, ", compilers %.2f of a core", compiling)));
            } while (compiling > idleCores && System.nanoTime() - start < maxNanos);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (compiling >= 0) {
                notes.add(String.format(Locale.ROOT, "Warm-up through %s: %d round(s) of %s, %d s; its JIT compilers "
                        + "used %.2f of a core during the last round%s.", target, rounds, describe(round), seconds, compiling,
                        compiling > idleCores ? " (still compiling when " + maxNanos / 1_000_000_000L + " s ran out)" : ""));
            }
        }
    }

    /**
     * One warm-up round, shaped like the loads to be measured, since a load reaches code a gentler one does
     * not (turns queueing behind each other at a high rate; streams whose followers fall behind, with merged
     * tokens and heartbeats): {@code turns} 5-token turns at the highest rate measured (50/s when no rate
     * load is), and, when streams or a ramp are measured, as many streams of 100 tokens at 20 tokens/s as the
     * largest streams load (100 for a ramp alone), opened as fast as it opens them.
     */
    static List<Load> warmUpRound(List<Load> loads, int turns, int maxStreams) {
        double rate = loads.stream().filter(l -> "rate".equals(l.kind())).mapToDouble(Load::rate).max().orElse(50);
        List<Load> round = new ArrayList<>(List.of(new Load("warmup", (int) rate, "paced-5-0", turns, rate, 5)));
        if (loads.stream().anyMatch(l -> !"rate".equals(l.kind()))) {
            Optional<Load> largest = loads.stream().filter(l -> "streams".equals(l.kind())).max(Comparator.comparingInt(Load::level));
            int streams = Math.min(maxStreams, largest.map(Load::level).orElse(100));
            round.add(new Load("warmup", streams, "paced-100-50", streams, largest.map(Load::rate).orElse(100.0), 100));
        }
        return round;
    }

    /** "300 turns at 50/s and 100 streams x 20 tokens/s" for a warm-up round. */
    private static String describe(List<Load> round) {
        List<String> parts = new ArrayList<>();
        for (Load load : round) {
            parts.add(load.tokensPerTurn() <= 5 ? load.turns() + " turns at " + (int) load.rate() + "/s"
                    : load.turns() + " streams x 20 tokens/s");
        }
        return String.join(" and ", parts);
    }

    private CompletableFuture<RelayProbe.Result> stream(Target target, Load load, int n, long scheduled, String sessionId,
                                                        LongAdder received) {
        RelayProbe probe = new RelayProbe(target.via(), scheduled, received);
        HttpRequest request;
        if (target.via() == RelayProbe.Via.APP) {
            String[] client = target.clients().get(n % target.clients().size());
            String body = JSON_OUT.createObjectBuilder()
                    .add("session_id", sessionId)
                    .add("message", QUESTION)
                    .add("model_override", "openai/" + load.scenario() + "/c" + n)
                    .build().toString();
            request = HttpRequest.newBuilder(target.base().resolve("api/chat/execute/stream"))
                    .header("Authorization", "Bearer " + client[0])
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .timeout(streamTimeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        } else {
            // What the app itself sends the provider, in substance: the same frames come back.
            String body = JSON_OUT.createObjectBuilder()
                    .add("model", load.scenario() + "/n" + n)
                    .add("stream", true)
                    .add("messages", Json.createArrayBuilder().add(Json.createObjectBuilder().add("role", "user").add("content", QUESTION)))
                    .build().toString();
            request = HttpRequest.newBuilder(target.base().resolve("v1/chat/completions"))
                    .header("Authorization", "Bearer " + FAKE_KEY)
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .timeout(streamTimeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = http.sendAsync(request, probe.handler());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(probe.result(null, e));
        }
        long lifetime = load.tokensPerTurn() * pacingMillis(load.scenario()) + streamTimeout.toMillis();
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            probe.timedOut();
            exchange.cancel(true);
        }, lifetime, TimeUnit.MILLISECONDS);
        return exchange.handle((response, failure) -> {
            watchdog.cancel(false);
            return probe.result(response, failure);
        });
    }

    private static long pacingMillis(String scenario) {
        return Long.parseLong(scenario.substring(scenario.lastIndexOf('-') + 1));
    }

    // ---- preparation (not measured) -------------------------------------------------------------

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("health/ready")).timeout(Duration.ofSeconds(5)).build();
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
        throw new IllegalStateException("The server at " + base + " did not become ready: " + last);
    }

    private List<String[]> prepareClients(URI base, int count) throws Exception {
        log("Preparing " + count + " users at " + base + ", each with a notebook and a source");
        return inLanes(count, number -> {
            String username = "relay-" + runId + "-" + number;
            return post(base, "api/auth/dev-token", null, JSON_OUT.createObjectBuilder().add("username", username).build(), 201, 200)
                    .thenCompose(login -> {
                        String token = login.getString("token");
                        return post(base, "api/notebooks", token, JSON_OUT.createObjectBuilder().add("name", "Coffee " + number).build(), 201, 201)
                                .thenCompose(notebook -> post(base, "api/notebooks/" + notebook.getString("id") + "/sources", token,
                                        JSON_OUT.createObjectBuilder().add("title", StreamingBenchmark.SOURCE_TITLE)
                                                .add("content", StreamingBenchmark.SOURCE).build(), 201, 201)
                                        .thenApply(source -> new String[] {token, notebook.getString("id")}));
                    });
        });
    }

    private List<String> createSessions(Target target, int count) throws Exception {
        return inLanes(count, i -> {
            String[] client = target.clients().get(i % target.clients().size());
            return post(target.base(), "api/chat/sessions", client[0],
                    JSON_OUT.createObjectBuilder().add("notebook_id", client[1]).add("title", "relay").build(), 201, 201)
                    .thenApply(session -> session.getString("id"));
        });
    }

    /**
     * A preparation request, sent again once when its connection turns out closed before any answer: a
     * kept-alive connection may be closed by the server just as it is reused (idle ones are dropped
     * first, see {@link #IDLE_CONNECTION_SECONDS}). A repeated create only leaves an unused row.
     */
    private CompletableFuture<JsonObject> post(URI base, String path, String token, JsonObject body, int expected, int alsoFine) {
        return postOnce(base, path, token, body, expected, alsoFine).exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return cause instanceof IOException ? postOnce(base, path, token, body, expected, alsoFine) : CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<JsonObject> postOnce(URI base, String path, String token, JsonObject body, int expected, int alsoFine) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != expected && response.statusCode() != alsoFine) {
                throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            try (JsonReader reader = JSON_IN.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        });
    }

    private <T> List<T> inLanes(int count, IntFunction<CompletableFuture<T>> task) throws Exception {
        Object[] results = new Object[count];
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(PREPARATION_LANES, count)];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = lane(next, count, task, results);
        }
        try {
            CompletableFuture.allOf(lanes).get(10, TimeUnit.MINUTES);
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

    // ---- facts for the report -------------------------------------------------------------------

    private Map<String, String> machine(ServerProcess server, TwoServers two, String loadBefore) {
        Map<String, String> machine = new TreeMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("benchmark java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("server java", server == null ? "-" : server.javaCommand());
        machine.put("app2 servers java", two == null ? "-" : two.javaCommand());
        machine.put("load average at start", loadBefore);
        machine.put("load average at end", ProcTotals.loadAverage());
        machine.put("open-file limit of the benchmark JVM", Long.toString(openFileLimit()));
        machine.put("clock ticks per second", Long.toString(clockTicks()));
        machine.put("net.core.somaxconn (caps every accept backlog)", readQuietly(Path.of("/proc/sys/net/core/somaxconn")));
        return machine;
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("benchmark.")) {
                settings.put(name, p.getProperty(name));
            }
        }
        return settings;
    }

    /** Two sockets per stream in this JVM (the client's and the fake's), and some to spare. */
    private static int streamsWithinFileLimit() {
        long limit = openFileLimit();
        return limit <= 0 ? Integer.MAX_VALUE : (int) Math.max(1, (limit - 1024) / 2);
    }

    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return "unlimited".equals(soft) ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    /**
     * One read of a small {@code /proc} file: its size reads as 0, and reading it a byte at a time
     * (what {@code Files.readString} does then) gives only the first digit of a sysctl value.
     */
    private static String readQuietly(Path file) {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long clockTicks() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        }
    }

    private static long benchCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    // ---- small things ---------------------------------------------------------------------------

    private int integer(String name, int fallback, int min, int max) {
        return bounded(name, Integer.parseInt(p.getProperty(name, Integer.toString(fallback)).strip()), min, max);
    }

    private static int bounded(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Path pathOrNull(String text) {
        return text == null || text.isBlank() ? null : Path.of(text);
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static void log(String message) {
        System.out.println("[benchmark] " + message);
    }
}
