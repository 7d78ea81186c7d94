package dev.notebookchat.bench;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** The relay benchmark's figures: {@code report.md}, {@code report.json} and {@code latency.png}. */
final class RelayReport {

    /** Nearest-rank percentiles in milliseconds; all -1 when nothing was measured. */
    record Percentiles(int count, double p50, double p90, double p99, double max) {
        static final Percentiles NONE = new Percentiles(0, -1, -1, -1, -1);

        static Percentiles of(long[] values, double toMillis) {
            if (values.length == 0) {
                return NONE;
            }
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Percentiles(sorted.length, Distribution.percentile(sorted, 0.50) * toMillis,
                    Distribution.percentile(sorted, 0.90) * toMillis, Distribution.percentile(sorted, 0.99) * toMillis,
                    sorted[sorted.length - 1] * toMillis);
        }
    }

    /** One look at the relay's processes during a load. */
    record Sample(double seconds, int openStreams, long rssKb, int threads, int openFiles, long heapUsed, long heapCommitted) {
    }

    /** The most seen during a load. */
    static final class Peaks {
        int openStreams = -1;
        long rssKb = -1;
        int threads = -1;
        int openFiles = -1;
        long heapUsed = -1;
        long heapCommitted = -1;

        synchronized void add(Sample s) {
            openStreams = Math.max(openStreams, s.openStreams());
            rssKb = Math.max(rssKb, s.rssKb());
            threads = Math.max(threads, s.threads());
            openFiles = Math.max(openFiles, s.openFiles());
            heapUsed = Math.max(heapUsed, s.heapUsed());
            heapCommitted = Math.max(heapCommitted, s.heapCommitted());
        }
    }

    /**
     * One load through one relay.
     *
     * @param cpuMillis      CPU time of the relay's processes from the first scheduled start to the last stream's end
     * @param benchCpuPercent CPU of this JVM (load client and fake provider) over the same time, 100 = one core
     * @param steady         CPU and tokens while every stream of the load was open, none starting or ending; null
     *                       for loads without such a window (turns at a rate)
     * @param tokenAllOpen   the per-token latency of the tokens that arrived in that window; {@link Percentiles#NONE}
     *                       without one
     */
    record Row(RelayBenchmark.Load load, String relay, int turns, int ok, Map<RelayProbe.Outcome, Integer> errors,
               Set<String> errorSamples, Percentiles ttft, Percentiles token, long tokens, double cpuMillis,
               double wallSeconds, double benchCpuPercent, Peaks peaks, List<Sample> series, String loadAverageAfter,
               Steady steady, Percentiles tokenAllOpen) {

        static Row of(RelayBenchmark.Load load, String relay, Collection<RelayProbe.Result> results, double cpuMillis,
                      double wallSeconds, double benchCpuPercent, Peaks peaks, List<Sample> series, String loadAverageAfter,
                      Steady steady) {
            Map<RelayProbe.Outcome, Integer> errors = new EnumMap<>(RelayProbe.Outcome.class);
            Set<String> samples = new LinkedHashSet<>();
            List<Long> firsts = new ArrayList<>();
            long tokens = 0;
            int ok = 0;
            for (RelayProbe.Result r : results) {
                tokens += r.tokenLatencyMicros().length;
                if (r.outcome() != RelayProbe.Outcome.OK) {
                    errors.merge(r.outcome(), 1, Integer::sum);
                    if (samples.size() < 5) {
                        samples.add(r.outcome() + ": " + r.detail());
                    }
                } else {
                    ok++;
                }
                if (r.firstToken() >= 0) {
                    firsts.add(r.timeToFirstToken());
                }
            }
            long[] latencies = new long[(int) tokens];
            long[] allOpen = new long[steady == null ? 0 : (int) tokens];
            int at = 0;
            int inWindow = 0;
            for (RelayProbe.Result r : results) {
                System.arraycopy(r.tokenLatencyMicros(), 0, latencies, at, r.tokenLatencyMicros().length);
                at += r.tokenLatencyMicros().length;
                if (steady != null) {
                    for (int i = 0; i < r.tokenArrivals().length; i++) {
                        if (steady.contains(r.tokenArrivals()[i])) {
                            allOpen[inWindow++] = r.tokenLatencyMicros()[i];
                        }
                    }
                }
            }
            return new Row(load, relay, results.size(), ok, errors, samples,
                    Percentiles.of(firsts.stream().mapToLong(Long::longValue).toArray(), 1e-6), Percentiles.of(latencies, 1e-3),
                    tokens, cpuMillis, wallSeconds, benchCpuPercent, peaks, List.copyOf(series), loadAverageAfter, steady,
                    Percentiles.of(Arrays.copyOf(allOpen, inWindow), 1e-3));
        }

        int errorCount() {
            return turns - ok;
        }

        double cpuPerTurnMillis() {
            return cpuMillis < 0 || turns == 0 ? -1 : cpuMillis / turns;
        }

        double cpuPerTokenMicros() {
            return cpuMillis < 0 || tokens == 0 ? -1 : cpuMillis * 1000 / tokens;
        }

        /** CPU per token while every stream was open: the relaying alone, without starting and ending turns. */
        double steadyCpuPerTokenMicros() {
            return steady == null ? -1 : steady.cpuPerTokenMicros();
        }

        String progressLine() {
            return String.format(Locale.ROOT, "%-40s %-5s %d/%d ok, TTFT p50 %s p99 %s ms, token p50 %s p99 %s ms, CPU %s ms/turn %s us/token",
                    load.label(), relay, ok, turns, fmt(ttft.p50()), fmt(ttft.p99()), fmt(token.p50()), fmt(token.p99()),
                    fmt(cpuPerTurnMillis()), fmt(cpuPerTokenMicros()))
                    + (steady == null ? "" : ", all open " + fmt(steadyCpuPerTokenMicros()) + " us/token");
        }
    }

    /**
     * CPU and tokens received between two instants of a load during which every stream was open: from
     * one second after the last stream was due to start to one second before the first was due to end
     * ({@code from} and {@code to}, {@link System#nanoTime()}).
     */
    record Steady(double seconds, double cpuMillis, long tokens, long from, long to) {
        double cpuPerTokenMicros() {
            return cpuMillis < 0 || tokens <= 0 ? -1 : cpuMillis * 1000 / tokens;
        }

        boolean contains(long nanos) {
            return nanos - from >= 0 && to - nanos > 0;
        }
    }

    private final Map<String, String> machine;
    private final Map<String, String> settings;
    private final List<String> notes;
    private final List<Row> rows;

    RelayReport(Map<String, String> machine, Map<String, String> settings, List<String> notes, List<Row> rows) {
        this.machine = machine;
        this.settings = settings;
        this.notes = List.copyOf(notes);
        this.rows = List.copyOf(rows);
    }

    int errors() {
        return rows.stream().mapToInt(Row::errorCount).sum();
    }

    String consoleTable() {
        StringBuilder out = new StringBuilder();
        rows.forEach(row -> out.append(row.progressLine()).append('\n'));
        return out.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.json"), json(), StandardCharsets.UTF_8);
        ImageIO.write(plot(), "png", dir.resolve("latency.png").toFile());
    }

    // ---- markdown -------------------------------------------------------------------------------

    String markdown() {
        StringBuilder md = new StringBuilder("# Relay benchmark: the app beside nginx\n\n");
        md.append("All relay the same fake provider (paced, stamped tokens) on this machine, in the same run; "
                + "the load client and the fake share one JVM on the same cores, so the machine's load is part of every figure.\n\n");
        md.append("| machine | |\n|---|---|\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## What is measured\n\n"
                + "- **TTFT**: added time to first token, from the turn's scheduled start (open loop) to its first token's arrival; "
                + "the fake sends the first token as soon as it has read the request, so all of it is the relay path's (and queueing).\n"
                + "- **token**: per-token latency, arrival minus the send time the fake stamped in the token (same clock).\n"
                + "- **CPU**: from `/proc`, from the first scheduled start to the last stream's end: user + system time from `stat` "
                + "(10 ms ticks, ended threads included) for the app; the scheduler's run time from `schedstat` (nanoseconds) for each "
                + "single-threaded nginx worker. "
                + "App: the whole server JVM (request handling, database, GC, JIT). app2: two servers of the runnable jar on one PostgreSQL, "
                + "running turns shared through Redis, behind nginx balancing them round-robin; both JVMs summed, "
                + "not the nginx in front of them nor Redis. nginx: its worker processes (the master only supervises). "
                + "Nothing is subtracted; per turn = CPU / turns started, per token = CPU / tokens received. "
                + "**all open**: CPU / tokens received while every stream of the load was open (streams and ramp loads: from one second "
                + "after the last stream was due to start to one second before the first was due to end), the cost of relaying "
                + "tokens without that of starting and ending turns; its per-token latency is that of the tokens that arrived then.\n"
                + "- **client+fake CPU**: this JVM (load client and fake provider) over the same time, 100 % = one core.\n"
                + "- Resources: most seen in one-second samples; app heap over the server's local JMX connector (app2: both servers' summed); "
                + "RSS, threads and open files summed over the relay's processes (nginx: master and workers; app2: both JVMs).\n\n");
        for (String note : notes) {
            md.append("> ").append(note).append("\n\n");
        }
        md.append("![latency against load](latency.png)\n\n");
        md.append("## Latency (ms)\n\n| load | relay | turns | errors | TTFT p50 | p90 | p99 | max | token p50 | p90 | p99 | max | tokens |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.load().label()).append(" | ").append(r.relay()).append(" | ").append(r.turns()).append(" | ")
                    .append(r.errorCount()).append(" | ").append(fmt(r.ttft().p50())).append(" | ").append(fmt(r.ttft().p90()))
                    .append(" | ").append(fmt(r.ttft().p99())).append(" | ").append(fmt(r.ttft().max())).append(" | ")
                    .append(fmt(r.token().p50())).append(" | ").append(fmt(r.token().p90())).append(" | ")
                    .append(fmt(r.token().p99())).append(" | ").append(fmt(r.token().max())).append(" | ").append(r.tokens()).append(" |\n");
        }
        md.append("\n## Per-token latency while every stream was open (ms)\n\n| load | relay | p50 | p90 | p99 | max | tokens | p99 / nginx's |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            if (r.steady() != null) {
                Percentiles t = r.tokenAllOpen();
                md.append("| ").append(r.load().label()).append(" | ").append(r.relay()).append(" | ").append(fmt(t.p50())).append(" | ")
                        .append(fmt(t.p90())).append(" | ").append(fmt(t.p99())).append(" | ").append(fmt(t.max())).append(" | ")
                        .append(t.count()).append(" | ").append(times(ratios(r).map(Ratios::tokenP99AllOpen).orElse(-1.0))).append(" |\n");
            }
        }
        md.append("\n## CPU\n\n| load | relay | CPU ms | per turn ms | per token us | all open: per token us (s, tokens) | wall s | client+fake CPU % | load average after |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.load().label()).append(" | ").append(r.relay()).append(" | ").append(fmt(r.cpuMillis()))
                    .append(" | ").append(fmt(r.cpuPerTurnMillis())).append(" | ").append(fmt(r.cpuPerTokenMicros())).append(" | ")
                    .append(r.steady() == null ? "-" : fmt(r.steadyCpuPerTokenMicros()) + " (" + fmt(r.steady().seconds()) + ", "
                            + r.steady().tokens() + ")").append(" | ")
                    .append(fmt(r.wallSeconds())).append(" | ").append(fmt(r.benchCpuPercent())).append(" | ")
                    .append(r.loadAverageAfter()).append(" |\n");
        }
        md.append("\n## Relay / nginx\n\n| load | relay | TTFT p50 | TTFT p99 | token p50 | token p99 | CPU per turn | CPU per token | CPU per token, all open |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row relay : rows) {
            Optional<Ratios> ratios = ratios(relay);
            if (ratios.isEmpty()) {
                continue;
            }
            Ratios r = ratios.get();
            md.append("| ").append(relay.load().label()).append(" | ").append(relay.relay()).append(" | ").append(times(r.ttftP50()))
                    .append(" | ").append(times(r.ttftP99())).append(" | ").append(times(r.tokenP50())).append(" | ")
                    .append(times(r.tokenP99())).append(" | ").append(times(r.cpuPerTurn())).append(" | ")
                    .append(times(r.cpuPerToken())).append(" | ").append(times(r.steadyCpuPerToken())).append(" |\n");
        }
        md.append("\n## Resources (most seen)\n\n| load | relay | open streams | RSS MiB | threads | open files | heap used MiB | heap committed MiB |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Peaks p = r.peaks();
            md.append("| ").append(r.load().label()).append(" | ").append(r.relay()).append(" | ").append(p.openStreams).append(" | ")
                    .append(fmt(p.rssKb / 1024.0)).append(" | ").append(p.threads).append(" | ").append(p.openFiles).append(" | ")
                    .append(p.heapUsed < 0 ? "-" : fmt(p.heapUsed / 1048576.0)).append(" | ")
                    .append(p.heapCommitted < 0 ? "-" : fmt(p.heapCommitted / 1048576.0)).append(" |\n");
        }
        for (Row r : rows) {
            if (r.series().isEmpty()) {
                continue;
            }
            md.append("\n## ").append(r.load().label()).append(", ").append(r.relay()).append(", every 5 s\n\n")
                    .append("| s | open streams | RSS MiB | threads | open files | heap used MiB |\n|---:|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < r.series().size(); i += 5) {
                Sample s = r.series().get(i);
                md.append("| ").append(fmt(s.seconds())).append(" | ").append(s.openStreams()).append(" | ").append(fmt(s.rssKb() / 1024.0))
                        .append(" | ").append(s.threads()).append(" | ").append(s.openFiles()).append(" | ")
                        .append(s.heapUsed() < 0 ? "-" : fmt(s.heapUsed() / 1048576.0)).append(" |\n");
            }
        }
        boolean anyErrors = rows.stream().anyMatch(r -> r.errorCount() > 0);
        if (anyErrors) {
            md.append("\n## Errors\n\n");
            for (Row r : rows) {
                if (r.errorCount() > 0) {
                    md.append("- ").append(r.load().label()).append(", ").append(r.relay()).append(": ").append(r.errors())
                            .append("; ").append(String.join(" / ", r.errorSamples())).append('\n');
                }
            }
        }
        md.append("\n## Settings\n\n| setting | value |\n|---|---|\n");
        settings.forEach((k, v) -> md.append("| `").append(k).append("` | `").append(v).append("` |\n"));
        return md.toString();
    }

    // ---- json -----------------------------------------------------------------------------------

    String json() {
        JsonObjectBuilder root = Json.createObjectBuilder();
        JsonObjectBuilder m = Json.createObjectBuilder();
        machine.forEach(m::add);
        JsonObjectBuilder s = Json.createObjectBuilder();
        settings.forEach(s::add);
        JsonArrayBuilder n = Json.createArrayBuilder();
        notes.forEach(n::add);
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (Row r : rows) {
            JsonObjectBuilder errors = Json.createObjectBuilder();
            r.errors().forEach((k, v) -> errors.add(k.name().toLowerCase(Locale.ROOT), v));
            JsonArrayBuilder series = Json.createArrayBuilder();
            for (Sample x : r.series()) {
                series.add(Json.createObjectBuilder().add("seconds", x.seconds()).add("open_streams", x.openStreams())
                        .add("rss_kb", x.rssKb()).add("threads", x.threads()).add("open_files", x.openFiles())
                        .add("heap_used", x.heapUsed()).add("heap_committed", x.heapCommitted()));
            }
            Peaks p = r.peaks();
            JsonObjectBuilder row = Json.createObjectBuilder()
                    .add("kind", r.load().kind()).add("level", r.load().level()).add("label", r.load().label())
                    .add("fake_scenario", r.load().scenario()).add("rate_per_second", r.load().rate())
                    .add("relay", r.relay()).add("turns", r.turns()).add("ok", r.ok()).add("errors", errors)
                    .add("ttft_ms", percentiles(r.ttft())).add("token_latency_ms", percentiles(r.token()))
                    .add("tokens", r.tokens()).add("cpu_ms", r.cpuMillis()).add("cpu_per_turn_ms", r.cpuPerTurnMillis())
                    .add("cpu_per_token_us", r.cpuPerTokenMicros()).add("wall_seconds", r.wallSeconds())
                    .add("all_open", r.steady() == null ? Json.createObjectBuilder().build() : Json.createObjectBuilder()
                            .add("seconds", r.steady().seconds()).add("cpu_ms", r.steady().cpuMillis())
                            .add("tokens", r.steady().tokens()).add("cpu_per_token_us", r.steadyCpuPerTokenMicros())
                            .add("token_latency_ms", percentiles(r.tokenAllOpen())).build())
                    .add("client_and_fake_cpu_percent", r.benchCpuPercent()).add("load_average_after", r.loadAverageAfter())
                    .add("peaks", Json.createObjectBuilder().add("open_streams", p.openStreams).add("rss_kb", p.rssKb)
                            .add("threads", p.threads).add("open_files", p.openFiles).add("heap_used", p.heapUsed)
                            .add("heap_committed", p.heapCommitted))
                    .add("series", series);
            ratios(r).ifPresent(x -> row.add("vs_nginx", Json.createObjectBuilder().add("ttft_p50", number(x.ttftP50()))
                    .add("ttft_p99", number(x.ttftP99())).add("token_p50", number(x.tokenP50())).add("token_p99", number(x.tokenP99()))
                    .add("cpu_per_turn", number(x.cpuPerTurn())).add("cpu_per_token", number(x.cpuPerToken()))
                    .add("cpu_per_token_all_open", number(x.steadyCpuPerToken()))
                    .add("token_p99_all_open", number(x.tokenP99AllOpen()))));
            all.add(row);
        }
        root.add("machine", m).add("settings", s).add("notes", n).add("results", all);
        JsonWriterFactory pretty = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        StringWriter out = new StringWriter();
        pretty.createWriter(out).writeObject(root.build());
        return out + "\n";
    }

    /** A ratio that could not be computed is null, not a number. */
    private static JsonValue number(double ratio) {
        return ratio < 0 ? JsonValue.NULL : Json.createValue(ratio);
    }

    private static JsonObjectBuilder percentiles(Percentiles p) {
        return Json.createObjectBuilder().add("count", p.count()).add("p50", p.p50()).add("p90", p.p90()).add("p99", p.p99()).add("max", p.max());
    }

    // ---- plot -----------------------------------------------------------------------------------

    private static final int PANEL_W = 560;
    private static final int PANEL_H = 420;
    private static final Color APP = new Color(0xC0392B);
    private static final Color NGINX = new Color(0x2471A3);
    private static final Color APP2 = new Color(0x1E8449);

    /**
     * Two panels, log-scale milliseconds: TTFT against turns per second; per-token latency against open
     * streams. One colour per relay in the run (app, app2, nginx), p50 solid, p99 dashed.
     */
    BufferedImage plot() {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(2 * PANEL_W, PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        panel(g, 0, "added time to first token (ms) vs turns/s", rowsOf("rate"), row -> row.ttft().p50(), row -> row.ttft().p99());
        List<Row> streams = new ArrayList<>(rowsOf("streams"));
        streams.addAll(rowsOf("ramp"));
        panel(g, PANEL_W, "per-token latency (ms) vs open streams", streams, row -> row.token().p50(), row -> row.token().p99());
        g.dispose();
        return image;
    }

    private List<Row> rowsOf(String kind) {
        return rows.stream().filter(r -> kind.equals(r.load().kind())).toList();
    }

    private static void panel(Graphics2D g, int x0, String title, List<Row> rows, ToDoubleFunction<Row> p50, ToDoubleFunction<Row> p99) {
        int left = x0 + 60;
        int right = x0 + PANEL_W - 20;
        int top = 40;
        int bottom = PANEL_H - 60;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, x0 + 60, 22);
        List<Integer> levels = rows.stream().map(r -> r.load().level()).distinct().sorted().toList();
        double lo = 0.01;
        double hi = 10;
        for (Row r : rows) {
            for (double v : new double[] {p50.applyAsDouble(r), p99.applyAsDouble(r)}) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double logLo = Math.floor(Math.log10(lo));
        double logHi = Math.ceil(Math.log10(hi));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double e = logLo; e <= logHi; e++) {
            int y = (int) (bottom - (e - logLo) / (logHi - logLo) * (bottom - top));
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            double value = Math.pow(10, e);
            g.drawString(value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%s", value), x0 + 8, y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        if (levels.isEmpty()) {
            g.drawString("no load of this kind in this run", left + 20, (top + bottom) / 2);
            return;
        }
        for (int i = 0; i < levels.size(); i++) {
            int x = xOf(i, levels.size(), left, right);
            g.drawString(Integer.toString(levels.get(i)), x - 10, bottom + 16);
        }
        List<String[]> series = new ArrayList<>();
        for (String relay : List.of("app", "app2", "nginx")) {
            if (rows.stream().anyMatch(r -> relay.equals(r.relay()))) {
                series.add(new String[] {relay, "p50"});
                series.add(new String[] {relay, "p99"});
            }
        }
        int legendY = bottom + 36;
        int legendX = left;
        for (String[] s : series) {
            Color color = switch (s[0]) {
                case "app" -> APP;
                case "app2" -> APP2;
                default -> NGINX;
            };
            boolean dashed = "p99".equals(s[1]);
            g.setColor(color);
            g.setStroke(dashed ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0) : new BasicStroke(2));
            ToDoubleFunction<Row> value = "p50".equals(s[1]) ? p50 : p99;
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < levels.size(); i++) {
                int level = levels.get(i);
                Optional<Row> row = rows.stream().filter(r -> r.relay().equals(s[0]) && r.load().level() == level).findFirst();
                double v = row.map(value::applyAsDouble).orElse(-1.0);
                if (v <= 0) {
                    continue;
                }
                int x = xOf(i, levels.size(), left, right);
                int y = (int) (bottom - (Math.log10(v) - logLo) / (logHi - logLo) * (bottom - top));
                g.fillOval(x - 3, y - 3, 6, 6);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, x, y);
                }
                prevX = x;
                prevY = y;
            }
            g.drawLine(legendX, legendY - 4, legendX + 24, legendY - 4);
            g.setStroke(new BasicStroke(1));
            g.drawString(s[0] + " " + s[1], legendX + 28, legendY);
            legendX += series.size() > 4 ? 80 : 110;
        }
        g.setStroke(new BasicStroke(1));
    }

    private static int xOf(int i, int n, int left, int right) {
        return n == 1 ? (left + right) / 2 : left + 30 + i * (right - left - 60) / (n - 1);
    }

    static String fmt(double value) {
        if (value < 0) {
            return "-";
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** A relay's figures divided by nginx's for the same load; -1 where either is missing. */
    record Ratios(double ttftP50, double ttftP99, double tokenP50, double tokenP99, double cpuPerTurn, double cpuPerToken,
                  double steadyCpuPerToken, double tokenP99AllOpen) {
    }

    /** Empty for nginx itself and for a load nginx did not run. */
    Optional<Ratios> ratios(Row relay) {
        if ("nginx".equals(relay.relay())) {
            return Optional.empty();
        }
        return rows.stream().filter(r -> "nginx".equals(r.relay()) && r.load().equals(relay.load())).findFirst()
                .map(n -> new Ratios(ratio(relay.ttft().p50(), n.ttft().p50()), ratio(relay.ttft().p99(), n.ttft().p99()),
                        ratio(relay.token().p50(), n.token().p50()), ratio(relay.token().p99(), n.token().p99()),
                        ratio(relay.cpuPerTurnMillis(), n.cpuPerTurnMillis()), ratio(relay.cpuPerTokenMicros(), n.cpuPerTokenMicros()),
                        ratio(relay.steadyCpuPerTokenMicros(), n.steadyCpuPerTokenMicros()),
                        ratio(relay.tokenAllOpen().p99(), n.tokenAllOpen().p99())));
    }

    private static double ratio(double relay, double nginx) {
        return relay < 0 || nginx <= 0 ? -1 : relay / nginx;
    }

    private static String times(double ratio) {
        return ratio < 0 ? "-" : String.format(Locale.ROOT, "%.1fx", ratio);
    }
}
