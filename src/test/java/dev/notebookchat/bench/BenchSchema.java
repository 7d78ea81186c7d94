package dev.notebookchat.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Gives the benchmark's PostgreSQL run an empty schema (the {@code currentSchema} of the URL given as
 * the first argument) before its server starts, as the H2 run gets a fresh database file.
 */
public final class BenchSchema {

    private BenchSchema() {
    }

    public static void main(String[] args) throws SQLException {
        String url = args[0];
        String schema = url.replaceAll(".*[?&]currentSchema=([A-Za-z0-9_]+).*", "$1");
        if (schema.equals(url)) {
            throw new IllegalArgumentException("The benchmark's PostgreSQL URL needs a currentSchema parameter: " + url);
        }
        try (Connection connection = DriverManager.getConnection(url.substring(0, url.indexOf('?')), args.length > 1 ? args[1] : "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
        System.out.println("[benchmark] Empty schema " + schema + " at " + url);
    }
}
