package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.DatabaseProxy;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.EventStream.Event;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.FakeProviders.Provider;
import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL going away while a turn answers, played by cutting the {@link DatabaseProxy} between
 * the server and the database: the answer waits for the database and is saved once it is back.
 * Runs in the PostgreSQL pass only (pom.xml leaves it out of the H2 pass).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DatabaseOutageIT {

    /** What the fake provider's OpenAI stream says, a frame every 50 ms ({@code slow}). */
    static final String ANSWER = "The notebook says tea is best.";
    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The first four of the seven tokens of the answer, 150 ms after the first. */
    static final String CUT_AFTER = "The notebook says tea";

    static FakeProviderServer fake;
    static DatabaseProxy proxy;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @BeforeAll
    static void needsTheProxy() {
        proxy = DatabaseProxy.running().orElse(null);
        if (proxy == null) {
            String why = "DatabaseOutageIT needs PostgreSQL behind the test proxy: it runs in the PostgreSQL pass of 'mvn verify'";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        fake = FakeProviders.start();
    }

    @AfterAll
    static void stopFake() {
        if (fake != null) {
            fake.close();
        }
    }

    @AfterEach
    void databaseBack() {
        if (proxy != null) {
            proxy.restore();
        }
    }

    @Test
    void anAnswerThatEndsWhileTheDatabaseIsAwayIsSavedOnceItIsBack() throws Exception {
        Api alice = Api.newUser("alice");
        String notebook = alice.createNotebook("Tea");
        alice.addSource(notebook, "Tea", "Tea is the best drink in the house. Steep it for four minutes.");
        String session = alice.createSession(notebook);
        JsonObject ask = Json.createObjectBuilder().add("session_id", session).add("message", "What does the notebook say about tea?")
                .add("model_override", Provider.OPENAI.model("slow")).build();

        StringBuilder streamed = new StringBuilder();
        AtomicBoolean cut = new AtomicBoolean();
        CompletableFuture<Void> restored = new CompletableFuture<>();
        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", ask, event -> {
            if (!event.type().equals("token")) {
                return;
            }
            // Mid-answer, with tokens still to come: the request that started the turn is long done. Counted by
            // text, since tokens the stream fell behind on come as one event.
            streamed.append(event.data().getString("content"));
            if (streamed.length() >= CUT_AFTER.length() && !cut.getAndSet(true)) {
                proxy.cut();
            }
            if (streamed.toString().equals(ANSWER)) {
                // The provider is done and the turn is saving: once the server has been refused twice more, the database comes back.
                int refusedBefore = proxy.refusedConnections();
                restored.completeAsync(() -> {
                    awaitRefusals(refusedBefore + 2);
                    proxy.restore();
                    return null;
                });
            }
        });

        restored.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        List<Event> events = stream.events();
        List<String> types = events.stream().map(Event::type).toList();
        assertEquals(List.of("ai_message_complete", "complete"), types.subList(types.size() - 2, types.size()), types.toString());
        assertEquals(ANSWER, events.get(events.size() - 2).data().getString("content"));
        assertEquals(ANSWER, events.stream().filter(e -> e.type().equals("token"))
                .map(e -> e.data().getString("content")).collect(Collectors.joining()));

        JsonArray messages = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages");
        assertEquals(2, messages.size());
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("complete", answer.getString("status"));
        assertEquals(ANSWER, answer.getString("content"));
        assertEquals(events.get(events.size() - 1).data().getString("message_id"), answer.getString("id"));
    }

    @Test
    void aTurnAskedWhileTheDatabaseIsAwayIsA503BeforeTheStream() {
        Api alice = Api.newUser("alice");
        String session = alice.createSession(alice.createNotebook("Tea"));
        JsonObject ask = Json.createObjectBuilder().add("session_id", session).add("message", "Anything?").build();

        proxy.cut();
        EventStream.Result refused = EventStream.post(alice, "api/chat/execute/stream", ask);
        proxy.restore();

        assertEquals(503, refused.status());
        assertEquals(Json.createObjectBuilder().add("error", "unavailable")
                .add("message", "The database is unavailable right now. Try again shortly.").build(), refused.refusal().json());
        Await.until("the server reaches the database again", PATIENCE, () -> alice.get("api/chat/sessions/" + session).status() == 200);
        assertEquals(0, alice.get("api/chat/sessions/" + session).json().getInt("message_count"));
    }

    private static void awaitRefusals(int count) {
        Await.until("the server tried the database " + count + " times", PATIENCE, () -> proxy.refusedConnections() >= count);
    }
}
