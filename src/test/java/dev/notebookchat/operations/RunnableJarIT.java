package dev.notebookchat.operations;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.JarServer;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;

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

    static JarServer server;
    static URI base;

    @BeforeAll
    static void startTheJar() throws IOException, InterruptedException {
        server = new JarServer("runnable-jar-it", freePort(), freePort(),
                Map.of("NOTEBOOKCHAT_DEV_LOGIN", "true", "NOTEBOOKCHAT_LOCAL_TOKEN_DELAY", "0.01")).start().awaitReady();
        base = server.base();
    }

    @AfterAll
    static void stopTheJar() throws InterruptedException {
        if (server != null) {
            server.stop();
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
