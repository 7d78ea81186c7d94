package dev.notebookchat.bench;

import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The run written down: a table for people (console and Markdown) and the same figures as JSON. */
final class Report {

    /** Facts about where the figures were measured. */
    record Machine(Instant date, int cores, long memoryMb, String os, String javaVersion, String javaVendor,
                   double loadAverage, String revision, long serverPid, String serverJava) {

        static Machine now(ServerProcess server) {
            var os = ManagementFactory.getOperatingSystemMXBean();
            long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() / (1024 * 1024) : -1;
            return new Machine(Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), memory,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
                    System.getProperty("java.version"), System.getProperty("java.vendor"), os.getSystemLoadAverage(), gitRevision(),
                    server == null ? -1 : server.pid(), server == null ? "unknown" : server.javaCommand());
        }

        private static String gitRevision() {
            try {
                Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
                String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }
    }

    private static final String[] HEADINGS = {
            "scenario", "streams at once", "streams", "errors", "headers p50", "TTFT p50", "TTFT p95", "TTFT p99", "TTFT max",
            "gap p50", "gap p99", "turn p50", "turn p99", "wall s", "tokens/s", "server threads", "server RSS MiB", "server CPU %",
            "bench CPU %", "load"};

    private final Settings settings;
    private final Machine machine;
    private final List<LevelResult> results;

    Report(Settings settings, Machine machine, List<LevelResult> results) {
        this.settings = settings;
        this.machine = machine;
        this.results = List.copyOf(results);
    }

    int errors() {
        return results.stream().mapToInt(LevelResult::errorCount).sum();
    }

    // ---- table ----------------------------------------------------------------------------------

    /** The table with padded columns, for the console. */
    String consoleTable() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(HEADINGS));
        for (LevelResult r : results) {
            rows.add(cells(r));
        }
        int[] widths = new int[HEADINGS.length];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String padding = " ".repeat(widths[i] - cell.length());
                table.append(i == 0 ? cell + padding : "  " + padding + cell);
            }
            table.append('\n');
        }
        return table.toString();
    }

    /** One line for the console while the run goes on. */
    static String progressLine(LevelResult r) {
        return String.format(Locale.ROOT, "%s x %d: %d streams, %d errors, TTFT p50 %s ms p99 %s ms, turn p50 %s ms, %s tokens/s",
                r.scenario(), r.level(), r.streams(), r.errorCount(), ms(r.timeToFirstToken().p50()), ms(r.timeToFirstToken().p99()),
                ms(r.turnTime().p50()), number(r.tokensPerSecond(), 0));
    }

    private static List<String> cells(LevelResult r) {
        LevelResult.Resources res = r.resources();
        return List.of(r.scenario(), Integer.toString(r.level()), Integer.toString(r.streams()),
                Integer.toString(r.errorCount()), ms(r.timeToHeaders().p50()), ms(r.timeToFirstToken().p50()),
                ms(r.timeToFirstToken().p95()), ms(r.timeToFirstToken().p99()), ms(r.timeToFirstToken().max()),
                ms(r.tokenGaps().p50()), ms(r.tokenGaps().p99()), ms(r.turnTime().p50()), ms(r.turnTime().p99()),
                number(r.wallSeconds(), 1), number(r.tokensPerSecond(), 0),
                res.serverThreadsBefore() < 0 ? "-" : res.serverThreadsBefore() + "->" + res.serverThreadsMax(),
                number(res.serverRssMbMax(), 0), number(res.serverCpuPercent(), 0), number(res.benchCpuPercent(), 0),
                number(res.loadAverageBefore(), 1));
    }

    private static String markdownRow(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    private static String ms(double millis) {
        return millis < 0 ? "-" : number(millis, millis < 10 ? 1 : 0);
    }

    private static String number(double value, int decimals) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    // ---- Markdown -------------------------------------------------------------------------------

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Streaming benchmark\n\n");
        md.append("Measured ").append(machine.date()).append(" on ").append(machine.cores()).append(" cores, ")
                .append(machine.memoryMb()).append(" MiB, ").append(machine.os()).append("; benchmark on Java ")
                .append(machine.javaVersion()).append(" (").append(machine.javaVendor()).append("), server process ")
                .append(machine.serverPid() < 0 ? "not found" : machine.serverPid() + " (" + machine.serverJava() + ")")
                .append("; revision ").append(machine.revision()).append(".\n");
        md.append("Load average when the run started: ").append(number(machine.loadAverage(), 2)).append(" on ")
                .append(machine.cores()).append(" cores")
                .append(machine.loadAverage() > machine.cores() ? " (the machine was busy with other work: the figures include waiting for CPU)" : "")
                .append(".\n\n");

        md.append("## Settings\n\n");
        md.append("- server: ").append(settings.base()).append(serverSettingsText()).append('\n');
        md.append("- concurrency levels: ").append(settings.levels()).append("; each simulated client asks ")
                .append(settings.turnsPerClient()).append(" turn(s) in a row, each in a fresh chat session\n");
        md.append("- warm-up before each scenario: ").append(settings.warmupStreams()).append(" unmeasured streams\n");
        md.append("- bounds: a level starts no new turn after ").append(settings.levelTimeout().toSeconds())
                .append(" s; a stream is cancelled after ").append(settings.streamTimeout().toSeconds()).append(" s\n");
        md.append("- the fake provider (this JVM, port ").append(settings.fakePort()).append(") answers `openai/ok/*` at once and `openai/slow/*` ")
                .append("with a frame every ").append(FakeProviderServer.SLOW_PACING.toMillis()).append(" ms; both send 7 tokens\n\n");

        md.append("## Figures\n\n");
        md.append("Times in milliseconds. ").append("`headers`: request sent to response headers. ")
                .append("`TTFT`: request sent to the first `token` event. `gap`: between consecutive `token` events of one stream. ")
                .append("`turn`: request sent to `complete`. Latencies count successful streams only. ")
                .append("`wall s`: first request sent to last stream ended; `tokens/s`: token events received by all streams over that time. ")
                .append("`server threads`: at the start -> most seen; `server RSS`: most seen; CPU: 100 = one core busy for the whole level ")
                .append("(counted in 10 ms ticks, so coarse for levels shorter than a second). ")
                .append("`bench CPU` is this JVM: the client and the fake provider. `load`: 1-minute load average at the level's start.\n\n");
        md.append(markdownRow(List.of(HEADINGS))).append('\n');
        md.append(markdownRow(List.of(HEADINGS).stream().map(heading -> heading.equals(HEADINGS[0]) ? "---" : "---:").toList()))
                .append('\n');
        for (LevelResult r : results) {
            md.append(markdownRow(cells(r))).append('\n');
        }
        md.append('\n');
        md.append("Client threads (this JVM without the fake provider's connection threads), most seen per level: ");
        List<String> threads = new ArrayList<>();
        for (LevelResult r : results) {
            threads.add(r.scenario() + " × " + r.level() + ": " + r.resources().clientThreadsMax());
        }
        md.append(String.join(", ", threads)).append(".\n");

        List<LevelResult> failed = results.stream().filter(r -> r.errorCount() > 0 || r.deadlineReached()).toList();
        if (!failed.isEmpty()) {
            md.append("\n## Errors\n\n");
            for (LevelResult r : failed) {
                md.append("- ").append(r.scenario()).append(" × ").append(r.level()).append(": ");
                List<String> parts = new ArrayList<>();
                r.errors().forEach((outcome, count) -> parts.add(count + " " + outcome.label));
                if (r.deadlineReached()) {
                    parts.add("level timeout reached before every turn started");
                }
                md.append(String.join(", ", parts));
                if (!r.errorSamples().isEmpty()) {
                    md.append(" (e.g. ").append(String.join("; ", r.errorSamples())).append(')');
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    private String serverSettingsText() {
        if (settings.serverSettings().isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        settings.serverSettings().forEach((name, value) -> pairs.add("`" + name + "=" + value + "`"));
        return ", configured with " + String.join(", ", pairs);
    }

    // ---- JSON -----------------------------------------------------------------------------------

    String json() {
        JsonObjectBuilder root = Json.createObjectBuilder();
        root.add("machine", Json.createObjectBuilder()
                .add("date", machine.date().toString())
                .add("cores", machine.cores())
                .add("memory_mib", machine.memoryMb())
                .add("os", machine.os())
                .add("java_version", machine.javaVersion())
                .add("java_vendor", machine.javaVendor())
                .add("load_average", machine.loadAverage())
                .add("revision", machine.revision())
                .add("server_pid", machine.serverPid())
                .add("server_java", machine.serverJava()));
        JsonObjectBuilder server = Json.createObjectBuilder();
        settings.serverSettings().forEach(server::add);
        root.add("settings", Json.createObjectBuilder()
                .add("base_url", settings.base().toString())
                .add("levels", Json.createArrayBuilder(settings.levels()))
                .add("scenarios", Json.createArrayBuilder(settings.scenarios()))
                .add("turns_per_client", settings.turnsPerClient())
                .add("warmup_streams", settings.warmupStreams())
                .add("level_timeout_seconds", settings.levelTimeout().toSeconds())
                .add("stream_timeout_seconds", settings.streamTimeout().toSeconds())
                .add("fake_provider_port", settings.fakePort())
                .add("fake_slow_pacing_ms", FakeProviderServer.SLOW_PACING.toMillis())
                .add("question", StreamingBenchmark.QUESTION)
                .add("server", server));
        JsonArrayBuilder levels = Json.createArrayBuilder();
        for (LevelResult r : results) {
            JsonObjectBuilder errors = Json.createObjectBuilder().add("total", r.errorCount());
            r.errors().forEach((outcome, count) -> errors.add(outcome.name().toLowerCase(Locale.ROOT), count));
            LevelResult.Resources res = r.resources();
            levels.add(Json.createObjectBuilder()
                    .add("scenario", r.scenario())
                    .add("concurrency", r.level())
                    .add("streams", r.streams())
                    .add("ok", r.ok())
                    .add("errors", errors)
                    .add("error_samples", Json.createArrayBuilder(List.copyOf(r.errorSamples())))
                    .add("deadline_reached", r.deadlineReached())
                    .add("time_to_headers_ms", summary(r.timeToHeaders()))
                    .add("time_to_first_token_ms", summary(r.timeToFirstToken()))
                    .add("inter_token_gap_ms", summary(r.tokenGaps()))
                    .add("turn_ms", summary(r.turnTime()))
                    .add("tokens", r.tokens())
                    .add("wall_seconds", round(r.wallSeconds()))
                    .add("tokens_per_second", round(r.tokensPerSecond()))
                    .add("server", Json.createObjectBuilder()
                            .add("threads_before", res.serverThreadsBefore())
                            .add("threads_max", res.serverThreadsMax())
                            .add("rss_mib_before", round(res.serverRssMbBefore()))
                            .add("rss_mib_max", round(res.serverRssMbMax()))
                            .add("cpu_percent", round(res.serverCpuPercent())))
                    .add("bench_jvm", Json.createObjectBuilder()
                            .add("cpu_percent", round(res.benchCpuPercent()))
                            .add("client_threads_max", res.clientThreadsMax()))
                    .add("load_average_before", round(res.loadAverageBefore())));
        }
        root.add("results", levels);
        return pretty(root.build());
    }

    private static JsonObjectBuilder summary(Distribution.Summary s) {
        return Json.createObjectBuilder().add("count", s.count()).add("p50", round(s.p50())).add("p95", round(s.p95()))
                .add("p99", round(s.p99())).add("max", round(s.max()));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String pretty(JsonObject json) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            writer.writeObject(json);
        }
        return out.toString().strip() + "\n";
    }

    void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("report.json"), json(), StandardCharsets.UTF_8);
    }
}
