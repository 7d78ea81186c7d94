package dev.notebookchat.operations;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.EventStream;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar the build makes ({@code target/notebookchat.jar}), started as an operator would
 * with {@code java -jar} on free ports, its settings from the environment only: it serves the page,
 * signs in (dev login switched on for this process) and streams a turn.
 */
class RunnableJarIT {

    static final String SOURCE = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 seconds to extract.";
    static final String ANSWER = "Here is what I found in this notebook:\n\n"
            + "- \"A good espresso takes about 25 seconds to extract.\" (Brewing guide)";
    /** Extracting the jar and starting a server on a busy 2-core machine. */
    static final Duration START = Duration.ofMinutes(10);

    static Process server;
    static URI base;
    static Path output;

    @BeforeAll
    static void startTheJar() throws IOException, InterruptedException {
        Path build = Path.of(System.getProperty("it.build.directory", "target"));
        Path jar = build.resolve("notebookchat.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is built in pre-integration-test: run through 'mvn verify'");
        Path extracted = build.resolve("runnable-jar-it");
        deleteTree(extracted);
        Files.createDirectories(extracted);
        output = build.resolve("runnable-jar-it.log");
        int http = freePort();
        int https = freePort();

        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString());
        Map<String, String> environment = java.environment();
        // Nothing of the integration tests' own server (its database, its dev login) may reach this one.
        environment.keySet().removeIf(name -> name.startsWith("NOTEBOOKCHAT_") || name.startsWith("WLP_")
                || name.equals("HTTP_PORT") || name.equals("HTTPS_PORT"));
        environment.put("WLP_JAR_EXTRACT_DIR", extracted.toAbsolutePath().toString());
        environment.put("HTTP_PORT", Integer.toString(http));
        environment.put("HTTPS_PORT", Integer.toString(https));
        environment.put("NOTEBOOKCHAT_DEV_LOGIN", "true");
        environment.put("NOTEBOOKCHAT_LOCAL_TOKEN_DELAY", "0.01");
        server = java.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        base = URI.create("http://localhost:" + http + "/");
        awaitReady();
    }

    @AfterAll
    static void stopTheJar() throws InterruptedException {
        if (server != null) {
            server.destroy(); // SIGTERM: Liberty stops the application and the server
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the jar's server did not stop within 60 s of SIGTERM; see " + output);
            }
        }
    }

    @Test
    void servesThePageAndStreamsATurnWithItsMetrics() {
        Api.Response page = Api.newUser(base, "jar").get("");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<title>"), "the web page is served at /");

        Api alice = Api.newUser(base, "alice");
        String notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", SOURCE);
        String session = alice.createSession(notebook);

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream",
                Json.createObjectBuilder().add("session_id", session).add("message", "How long does espresso take?").build());

        assertEquals(200, stream.status());
        List<EventStream.Event> events = stream.events();
        assertEquals("user_message", events.get(0).type());
        assertEquals("ai_message_complete", events.get(events.size() - 2).type());
        assertEquals(ANSWER, events.get(events.size() - 2).data().getString("content"));
        assertEquals("complete", events.get(events.size() - 1).type());
        assertTrue(events.stream().filter(e -> e.type().equals("token")).count() > 1, "the answer streamed in tokens");

        Api.Response metrics = alice.get("metrics");
        assertEquals(200, metrics.status(), metrics.body());
        assertEquals(1.0, PrometheusText.parse(metrics.body()).value("notebookchat_turns_total",
                Map.of("provider", "local", "model", "extractive", "outcome", "complete", "kind", "none")), metrics.body());
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new AssertionError("java -jar notebookchat.jar exited with " + server.exitValue() + "; see " + output);
            }
            try {
                HttpResponse<Void> ready = Api.HTTP.send(HttpRequest.newBuilder(base.resolve("health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the jar's server was not ready within " + START.toMinutes() + " minutes; see " + output);
            }
            Thread.sleep(250);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
