package dev.notebookchat.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Gives every integration run an empty database before the server starts, so Flyway migrates
 * from scratch each time: an empty H2 folder, or a dropped and recreated PostgreSQL schema (the
 * {@code currentSchema} of {@code it.postgres.url}). Unit test runs set neither property and are
 * left alone.
 */
public class FreshDatabase implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String h2Directory = System.getProperty("it.h2.directory");
        String postgresUrl = System.getProperty("it.postgres.url");
        if (h2Directory != null) {
            deleteTree(Path.of(h2Directory));
        }
        if (postgresUrl != null) {
            recreateSchema(postgresUrl);
        }
    }

    private static void recreateSchema(String url) {
        String schema = url.replaceAll(".*[?&]currentSchema=([A-Za-z0-9_]+).*", "$1");
        if (schema.equals(url)) {
            throw new IllegalStateException("it.postgres.url needs a currentSchema parameter: " + url);
        }
        String serverUrl = url.substring(0, url.indexOf('?'));
        try (Connection connection = DriverManager.getConnection(serverUrl, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + serverUrl + " is needed for the PostgreSQL run of the "
                    + "integration tests (skip it with -Dpostgres.skip=true): " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
