package dev.notebookchat.bench;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayReportTest {

    static final RelayBenchmark.Load LOAD = new RelayBenchmark.Load("rate", 50, "paced-5-0", 1, 50, 5);

    /** One turn: first token {@code ttftMicros} after its start, one token {@code tokenMicros} late. */
    static RelayReport.Row row(String relay, long ttftMicros, long tokenMicros, double cpuMillis) {
        return row(relay, ttftMicros, tokenMicros, cpuMillis, null);
    }

    static RelayReport.Row row(String relay, long ttftMicros, long tokenMicros, double cpuMillis, RelayReport.Steady allOpen) {
        RelayProbe.Result result = new RelayProbe.Result(RelayProbe.Outcome.OK, "", 0, ttftMicros * 1000, ttftMicros * 1000,
                new long[] {tokenMicros}, new long[] {ttftMicros * 1000});
        return RelayReport.Row.of(LOAD, relay, List.of(result), cpuMillis, 1, 10, new RelayReport.Peaks(), List.of(), "0.00 0.00 0.00",
                allOpen);
    }

    @Test
    void everyRelayIsSetAgainstNginxForTheSameLoadInTheTableAndTheJson() {
        RelayReport.Row nginx = row("nginx", 1000, 500, 10, new RelayReport.Steady(8, 5, 1000, 0, 8_000_000_000L));
        RelayReport.Row two = row("app2", 2000, 1000, 40, new RelayReport.Steady(8, 30, 1000, 0, 8_000_000_000L));
        RelayReport report = new RelayReport(Map.of(), Map.of(), List.of(), List.of(nginx, row("app", 3000, 1500, 20), two));

        RelayReport.Ratios app2 = report.ratios(two).orElseThrow();
        assertEquals(2.0, app2.ttftP50(), 1e-9);
        assertEquals(2.0, app2.tokenP99(), 1e-9);
        assertEquals(4.0, app2.cpuPerTurn(), 1e-9);
        assertEquals(4.0, app2.cpuPerToken(), 1e-9);
        assertEquals(6.0, app2.steadyCpuPerToken(), 1e-9);
        assertFalse(report.ratios(nginx).isPresent(), "nginx is not set against itself");

        String md = report.markdown();
        assertTrue(md.contains("| 50 turns/s | app | 3.0x | 3.0x | 3.0x | 3.0x | 2.0x | 2.0x | - |\n"), md);
        assertTrue(md.contains("| 50 turns/s | app2 | 2.0x | 2.0x | 2.0x | 2.0x | 4.0x | 4.0x | 6.0x |\n"), md);

        JsonArray results = Json.createReader(new StringReader(report.json())).readObject().getJsonArray("results");
        assertFalse(results.getJsonObject(0).containsKey("vs_nginx"));
        JsonObject vsNginx = results.getJsonObject(2).getJsonObject("vs_nginx");
        assertEquals("app2", results.getJsonObject(2).getString("relay"));
        assertEquals(2.0, vsNginx.getJsonNumber("ttft_p99").doubleValue(), 1e-9);
        assertEquals(4.0, vsNginx.getJsonNumber("cpu_per_token").doubleValue(), 1e-9);
        assertEquals(6.0, vsNginx.getJsonNumber("cpu_per_token_all_open").doubleValue(), 1e-9);
        assertEquals(30.0, results.getJsonObject(2).getJsonObject("all_open").getJsonNumber("cpu_per_token_us").doubleValue(), 1e-9);
        assertTrue(md.contains("| 50 turns/s | app2 | 40.0 | 40.0 | 40000 | 30.0 (8.00, 1000) |"), md);
    }

    @Test
    void theLatencyWhileAllAreOpenCountsTheTokensThatArrivedInTheWindowOnly() {
        RelayBenchmark.Load streams = new RelayBenchmark.Load("streams", 2, "paced-3-50", 2, 100, 3);
        RelayReport.Steady window = new RelayReport.Steady(1, 10, 3, 1_000_000_000L, 2_000_000_000L);
        // Arrivals before, at the start, inside, at the end (excluded) and after the window.
        RelayProbe.Result first = new RelayProbe.Result(RelayProbe.Outcome.OK, "", 0, 500_000_000L, 2_500_000_000L,
                new long[] {90_000, 2_000, 4_000}, new long[] {500_000_000L, 1_000_000_000L, 1_500_000_000L});
        RelayProbe.Result second = new RelayProbe.Result(RelayProbe.Outcome.OK, "", 0, 1_999_999_999L, 2_500_000_000L,
                new long[] {6_000, 70_000, 80_000}, new long[] {1_999_999_999L, 2_000_000_000L, 2_400_000_000L});
        RelayReport.Row app = RelayReport.Row.of(streams, "app", List.of(first, second), 100, 3, 10, new RelayReport.Peaks(),
                List.of(), "0.00 0.00 0.00", window);
        RelayProbe.Result alone = new RelayProbe.Result(RelayProbe.Outcome.OK, "", 0, 1_500_000_000L, 1_500_000_000L,
                new long[] {1_000}, new long[] {1_500_000_000L});
        RelayReport.Row nginx = RelayReport.Row.of(streams, "nginx", List.of(alone), 10, 3, 10, new RelayReport.Peaks(),
                List.of(), "0.00 0.00 0.00", window);

        assertEquals(3, app.tokenAllOpen().count());
        assertEquals(4.0, app.tokenAllOpen().p50(), 1e-9);
        assertEquals(6.0, app.tokenAllOpen().max(), 1e-9);
        assertEquals(6, app.token().count());
        assertEquals(90.0, app.token().max(), 1e-9);
        RelayReport report = new RelayReport(Map.of(), Map.of(), List.of(), List.of(nginx, app));
        assertEquals(6.0, report.ratios(app).orElseThrow().tokenP99AllOpen(), 1e-9);
        String md = report.markdown();
        assertTrue(md.contains("| 2 streams x 20 tokens/s | app | 4.00 | 6.00 | 6.00 | 6.00 | 3 | 6.0x |\n"), md);
        assertTrue(md.contains("| 2 streams x 20 tokens/s | nginx | 1.00 | 1.00 | 1.00 | 1.00 | 1 | - |\n"), md);
        JsonObject json = Json.createReader(new StringReader(report.json())).readObject().getJsonArray("results").getJsonObject(1);
        assertEquals(3, json.getJsonObject("all_open").getJsonObject("token_latency_ms").getInt("count"));
        assertEquals(6.0, json.getJsonObject("all_open").getJsonObject("token_latency_ms").getJsonNumber("max").doubleValue(), 1e-9);
    }

    @Test
    void aRatioWithoutItsNginxFigureIsNullInTheJson() {
        RelayReport report = new RelayReport(Map.of(), Map.of(), List.of(), List.of(row("nginx", 1000, 500, -1), row("app2", 2000, 1000, 40)));

        JsonObject vsNginx = Json.createReader(new StringReader(report.json())).readObject().getJsonArray("results")
                .getJsonObject(1).getJsonObject("vs_nginx");
        assertEquals(JsonValue.NULL, vsNginx.get("cpu_per_turn"));
        assertEquals(2.0, vsNginx.getJsonNumber("ttft_p50").doubleValue(), 1e-9);
    }
}
