package dev.notebookchat.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RelayBenchmarkTest {

    @Test
    void refusesTwoServersWithoutTheDatabaseTheyShareBeforeStartingAnything() {
        RelayBenchmark benchmark = new RelayBenchmark(properties("nginx,app2", "h2"));
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, benchmark::run);
            assertEquals("The target app2 (two servers behind nginx) needs the database they share: add -Dbenchmark.database=postgresql",
                    refused.getMessage());
        } finally {
            benchmark.close();
        }
    }

    @Test
    void refusesATargetItDoesNotKnow() {
        RelayBenchmark benchmark = new RelayBenchmark(properties("nginx,app3", "postgresql"));
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, benchmark::run);
            assertEquals("benchmark.targets: app3 is none of nginx, app, app2", refused.getMessage());
        } finally {
            benchmark.close();
        }
    }

    @Test
    void warmsUpWithTheHighestRateAndTheLargestStreamsLoadItMeasures() {
        RelayBenchmark.Load rate50 = new RelayBenchmark.Load("rate", 50, "paced-5-0", 500, 50, 5);
        RelayBenchmark.Load rate200 = new RelayBenchmark.Load("rate", 200, "paced-5-0", 2000, 200, 5);
        RelayBenchmark.Load streams500 = new RelayBenchmark.Load("streams", 500, "paced-240-50", 500, 250, 240);
        RelayBenchmark.Load streams100 = new RelayBenchmark.Load("streams", 100, "paced-220-50", 100, 250, 220);
        RelayBenchmark.Load ramp = new RelayBenchmark.Load("ramp", 5000, "paced-40-1000", 5000, 250, 40);

        assertEquals(List.of(new RelayBenchmark.Load("warmup", 200, "paced-5-0", 300, 200, 5),
                        new RelayBenchmark.Load("warmup", 500, "paced-100-50", 500, 250, 100)),
                RelayBenchmark.warmUpRound(List.of(rate50, rate200, streams100, streams500, ramp), 300, 12_000));
        assertEquals(List.of(new RelayBenchmark.Load("warmup", 200, "paced-5-0", 300, 200, 5),
                        new RelayBenchmark.Load("warmup", 400, "paced-100-50", 400, 250, 100)),
                RelayBenchmark.warmUpRound(List.of(rate200, streams500), 300, 400), "no more streams than the server may hold");
        assertEquals(List.of(new RelayBenchmark.Load("warmup", 50, "paced-5-0", 100, 50, 5),
                        new RelayBenchmark.Load("warmup", 100, "paced-100-50", 100, 100, 100)),
                RelayBenchmark.warmUpRound(List.of(ramp), 100, 12_000), "a ramp alone: the gentle defaults");
        assertEquals(List.of(new RelayBenchmark.Load("warmup", 50, "paced-5-0", 300, 50, 5)),
                RelayBenchmark.warmUpRound(List.of(rate50), 300, 12_000));
    }

    private static Properties properties(String targets, String database) {
        Properties p = new Properties();
        p.setProperty("benchmark.targets", targets);
        p.setProperty("benchmark.database", database);
        p.setProperty("benchmark.output", "target/benchmark-test");
        return p;
    }
}
