package dev.notebookchat.bench;

import org.junit.jupiter.api.Test;

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

    private static Properties properties(String targets, String database) {
        Properties p = new Properties();
        p.setProperty("benchmark.targets", targets);
        p.setProperty("benchmark.database", database);
        p.setProperty("benchmark.output", "target/benchmark-test");
        return p;
    }
}
