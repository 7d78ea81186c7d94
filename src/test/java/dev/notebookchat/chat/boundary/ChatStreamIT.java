package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.EventStream.Event;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming contract, read with a line-by-line SSE client against the running server. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatStreamIT {

    static final String BREWING = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 seconds to extract. "
            + "Cold brew steeps coarse grounds in cold water for 12 to 24 hours.";
    static final String ESPRESSO_ANSWER = "Here is what I found in this notebook:\n\n"
            + "- \"A good espresso takes about 25 seconds to extract.\" (Brewing guide)";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String notebook;
    String session;

    @BeforeEach
    void notebookWithASource() {
        alice = Api.newUser("alice");
        notebook = alice.createNotebook("Coffee");
        alice.addSource(notebook, "Brewing guide", BREWING);
        session = alice.createSession(notebook);
    }

    JsonObject ask(String message) {
        return Json.createObjectBuilder().add("session_id", session).add("message", message).build();
    }

    @Test
    void streamsTheAnswerAsNumberedEventsAndSavesExactlyWhatWasStreamed() {
        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", ask("How long does espresso take?"));

        assertEquals(200, stream.status());
        assertTrue(stream.header("Content-Type").startsWith("text/event-stream"), stream.header("Content-Type"));
        assertEquals("no-cache, no-transform", stream.header("Cache-Control"));
        assertEquals("no", stream.header("X-Accel-Buffering"));
        assertNull(stream.header("Content-Encoding"));

        List<Event> events = stream.events();
        List<String> types = events.stream().map(Event::type).toList();
        assertEquals("user_message", types.get(0));
        assertEquals("How long does espresso take?", events.get(0).data().getString("content"));
        assertEquals(List.of("ai_message_complete", "complete"), types.subList(types.size() - 2, types.size()));
        List<Event> tokens = events.subList(1, events.size() - 2);
        assertTrue(tokens.stream().allMatch(e -> e.type().equals("token") && !e.data().getString("content").isEmpty()), types.toString());
        assertEquals("1", events.get(0).id());
        for (int i = 1; i < events.size(); i++) {
            // tokens that came while a write was underway may arrive as one event: ids may jump, never repeat
            assertTrue(Long.parseLong(events.get(i).id()) > Long.parseLong(events.get(i - 1).id()), "ids rise strictly: " + events);
        }
        int n = events.size();
        assertEquals(Long.parseLong(events.get(n - 3).id()) + 1, Long.parseLong(events.get(n - 2).id()), "the end follows the last token");
        assertEquals(Long.parseLong(events.get(n - 2).id()) + 1, Long.parseLong(events.get(n - 1).id()));

        String streamed = tokens.stream().map(e -> e.data().getString("content")).collect(Collectors.joining());
        assertEquals(ESPRESSO_ANSWER, streamed);
        assertEquals(ESPRESSO_ANSWER, events.get(events.size() - 2).data().getString("content"));

        JsonObject complete = events.get(events.size() - 1).data();
        assertEquals("stop", complete.getString("finish_reason"));

        JsonObject saved = alice.get("api/chat/sessions/" + session).json();
        JsonArray messages = saved.getJsonArray("messages");
        assertEquals(2, messages.size());
        assertEquals(2, saved.getInt("message_count"));
        JsonObject human = messages.getJsonObject(0);
        assertEquals("human", human.getString("type"));
        assertEquals("How long does espresso take?", human.getString("content"));
        assertEquals(events.get(0).data().getString("timestamp"), human.getString("timestamp"));
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("ai", answer.getString("type"));
        assertEquals(ESPRESSO_ANSWER, answer.getString("content"));
        assertEquals("complete", answer.getString("status"));
        assertEquals("local/extractive", answer.getString("model"));
        assertEquals(complete.getString("message_id"), answer.getString("id"));
        assertEquals(complete.getJsonObject("usage"), answer.getJsonObject("usage"));
        assertEquals(tokens.size(), answer.getJsonObject("usage").getInt("output_tokens"));
    }

    @Test
    void tokensReachTheClientWhileTheAnswerIsStillBeingWritten() {
        AtomicReference<String> statusAtFirstToken = new AtomicReference<>();
        List<Long> arrivals = new ArrayList<>();
        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", ask("What is espresso and cold brew?"), event -> {
            if (event.type().equals("token")) {
                arrivals.add(event.arrivedNanos());
                if (statusAtFirstToken.get() == null) {
                    JsonArray messages = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages");
                    statusAtFirstToken.set(messages.getJsonObject(1).getString("status"));
                }
            }
        });

        assertEquals("streaming", statusAtFirstToken.get(), "the first token arrived before the turn was over");
        assertTrue(arrivals.size() >= 10, "answer long enough to stream: " + arrivals.size());
        assertTrue(arrivals.get(arrivals.size() - 1) > arrivals.get(0), "tokens arrived at different moments");
        assertEquals("complete", stream.events().get(stream.events().size() - 1).type());
        assertEquals("complete", alice.get("api/chat/sessions/" + session).json()
                .getJsonArray("messages").getJsonObject(1).getString("status"));
    }

    @Test
    void secondTurnInTheSameSessionIsRefusedWhileOneRuns() {
        AtomicReference<Api.Response> second = new AtomicReference<>();
        EventStream.post(alice, "api/chat/execute/stream", ask("What is espresso and cold brew?"), event -> {
            if (event.type().equals("user_message")) {
                second.set(alice.post("api/chat/execute/stream", ask("And now?")));
            }
        });

        assertEquals(409, second.get().status());
        assertEquals("conflict", second.get().json().getString("error"));
        assertEquals(2, alice.get("api/chat/sessions/" + session).json().getJsonArray("messages").size(),
                "the refused message was not saved");
    }

    @Test
    void nonStreamingExecuteAnswersWithTheWholeConversation() {
        Api.Response response = alice.post("api/chat/execute", ask("How long does espresso take?"));

        assertEquals(200, response.status(), response.body());
        JsonObject body = response.json();
        assertEquals(session, body.getString("session_id"));
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(2, messages.size());
        assertEquals(ESPRESSO_ANSWER, messages.getJsonObject(1).getString("content"));
        assertEquals(messages, alice.get("api/chat/sessions/" + session).json().getJsonArray("messages"));
    }

    @Test
    void saysPlainlyWhenTheNotebookHasNothingRelevant() {
        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", ask("Who painted the Mona Lisa?"));

        assertEquals("I could not find anything about that in this notebook's sources or notes. "
                        + "Add a source that covers it, or include more of the notebook in the context.",
                stream.events().get(stream.events().size() - 2).data().getString("content"));
    }
}
