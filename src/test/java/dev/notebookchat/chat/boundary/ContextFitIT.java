package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.provider.fake.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A turn fits its model's window: a notebook five times larger than the window becomes a prompt that
 * fits and holds the passages that answer; the answer cites the passages it drew on, alike in its
 * {@code complete} event, in the saved session and in a replay; the local model quotes whole sentences
 * from deep in a long source that the context would only summarise.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContextFitIT {

    /**
     * The model with a small window: {@code NOTEBOOKCHAT_MODELS_OPENAI_OK_SMALL_WINDOW_CONTEXT_WINDOW} in
     * pom.xml sets {@code notebookchat.models.openai.ok/small-window.context-window}; the fake plays {@code ok}.
     */
    static final String SMALL_MODEL = "openai/ok/small-window";
    static final int SMALL_WINDOW = setting("NOTEBOOKCHAT_MODELS_OPENAI_OK_SMALL_WINDOW_CONTEXT_WINDOW");
    /** The server's defaults: 4096 tokens for the answer but at most a quarter of the window, 3.5 characters a token. */
    static final int PROMPT_CHARACTERS = (int) Math.floor((SMALL_WINDOW - Math.min(4096, SMALL_WINDOW / 4)) * 3.5);

    static final String CAT = "The lighthouse keeper's cat is named Marmalade and sleeps on the stairs of the lamp room.";
    static final String CAT_QUESTION = "What is the name of the lighthouse keeper's cat?";
    static final String EXTRACTION = "A double shot of espresso takes about 25 seconds to extract at nine bars of pressure.";
    static final String EXTRACTION_QUESTION = "How long does a double shot of espresso take to extract?";

    static final Duration INDEXING = Duration.ofSeconds(90);

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String notebook;

    @BeforeEach
    void aliceHasANotebook() {
        alice = Api.newUser("alice");
        notebook = alice.createNotebook("Harbour");
    }

    @Test
    void aNotebookFiveTimesTheWindowIsSentAsItsClosestPassagesWithinTheWindow() {
        String catSource = null;
        long notebookCharacters = 0;
        var levels = Json.createObjectBuilder();
        for (int i = 1; notebookCharacters < 5L * SMALL_WINDOW * 3.5; i++) {
            String text = harbourLog(i, 9_000, i == 4 ? CAT : null);
            String id = alice.addSource(notebook, "Harbour log " + i, text);
            levels.add(id, "full content");
            notebookCharacters += text.length();
            if (i == 4) {
                catSource = id;
            }
        }
        JsonObject allInFull = Json.createObjectBuilder().add("sources", levels).build();
        awaitIndexed();
        String session = alice.createSession(notebook);

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", Json.createObjectBuilder()
                .add("session_id", session).add("message", CAT_QUESTION).add("context_config", allInFull)
                .add("model_override", SMALL_MODEL).build());

        assertEquals(200, stream.status(), stream.errorBody());
        JsonObject complete = last(stream, "complete");
        List<RecordedRequest> sent = fake.requestsFor(FakeProviders.modelSent(SMALL_MODEL)).stream()
                .filter(r -> r.body().contains(CAT_QUESTION)).toList();
        assertEquals(1, sent.size());
        JsonArray messages = Json.createReader(new StringReader(sent.get(0).body())).readObject().getJsonArray("messages");
        int promptCharacters = messages.getValuesAs(JsonObject.class).stream().mapToInt(m -> m.getString("content").length()).sum();
        assertTrue(promptCharacters <= PROMPT_CHARACTERS, promptCharacters + " characters sent, " + PROMPT_CHARACTERS + " fit");
        String system = messages.getJsonObject(0).getString("content");
        assertTrue(system.contains(CAT), "the passage that answers is sent: " + system);
        assertTrue(system.contains("## Source: Harbour log 4 (passage "), system);
        assertTrue(notebookCharacters >= 5 * promptCharacters, notebookCharacters + " against " + promptCharacters);

        JsonArray citations = complete.getJsonArray("citations");
        JsonObject best = citations.getJsonObject(0);
        assertEquals(catSource, best.getString("source_id"));
        assertEquals("Harbour log 4", best.getString("title"));
        assertTrue(best.getString("text").contains(CAT), best.toString());
        assertTrue(best.getInt("passage") > 1, "deep in its source: " + best);
        for (JsonObject citation : citations.getValuesAs(JsonObject.class)) {
            assertTrue(system.contains(citation.getString("text")), "only what was sent is cited: " + citation);
        }
        assertSavedAndReplayed(session, complete);
    }

    @Test
    void aSelectionThatFitsIsSentWholeAndCitesThePassagesSharingWordsWithTheQuestionAndAnswer() {
        String guide = alice.addSource(notebook, "Espresso guide", EXTRACTION + " Grind the beans just before brewing.");
        alice.addSource(notebook, "Tea guide", "Green tea steeps for two minutes in water below boiling.");
        awaitIndexed();
        String session = alice.createSession(notebook);
        String model = FakeProviders.Provider.OPENAI.model("ok");

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", Json.createObjectBuilder()
                .add("session_id", session).add("message", EXTRACTION_QUESTION).add("context_config", Json.createObjectBuilder()
                        .add("sources", Json.createObjectBuilder().add(guide, "full content"))).add("model_override", model).build());

        assertEquals(200, stream.status(), stream.errorBody());
        String system = Json.createReader(new StringReader(fake.requestsFor(FakeProviders.modelSent(model)).get(0).body()))
                .readObject().getJsonArray("messages").getJsonObject(0).getString("content");
        assertTrue(system.contains("## Source: Espresso guide\n" + EXTRACTION + " Grind the beans just before brewing."), system);
        assertFalse(system.contains("(passage "), system);
        JsonObject complete = last(stream, "complete");
        // The fake answers "The notebook says tea is best.": the tea guide shares one word with the question
        // and the answer, fewer than the two a citation needs; the espresso guide shares five.
        assertEquals(Json.createArrayBuilder().add(Json.createObjectBuilder().add("source_id", guide).add("title", "Espresso guide")
                .add("passage", 1).add("text", EXTRACTION + " Grind the beans just before brewing.")).build(), complete.getJsonArray("citations"));
        assertSavedAndReplayed(session, complete);
    }

    @Test
    void theLocalModelQuotesAWholeSentenceFromDeepInALongSourceAndCitesItsPassage() {
        String text = harbourLog(1, 12_000, EXTRACTION);
        String notes = alice.addSource(notebook, "Extraction notes", text);
        assertTrue(text.indexOf(EXTRACTION) > 5_000, "far past the summary's 1,000 characters");
        awaitIndexed();
        String session = alice.createSession(notebook);

        EventStream.Result stream = EventStream.post(alice, "api/chat/execute/stream", Json.createObjectBuilder()
                .add("session_id", session).add("message", EXTRACTION_QUESTION).add("model_override", "local/extractive").build());

        assertEquals(200, stream.status(), stream.errorBody());
        String answer = last(stream, "ai_message_complete").getString("content");
        assertTrue(answer.startsWith("Here is what I found in this notebook:\n\n- \"" + EXTRACTION + "\" (Extraction notes)"), answer);
        assertFalse(answer.contains("\u2026"), answer);
        JsonObject complete = last(stream, "complete");
        JsonObject quoted = complete.getJsonArray("citations").getJsonObject(0);
        assertEquals(notes, quoted.getString("source_id"));
        assertTrue(quoted.getString("text").contains(EXTRACTION), quoted.toString());
        for (JsonObject citation : complete.getJsonArray("citations").getValuesAs(JsonObject.class)) {
            assertTrue(answer.lines().anyMatch(line -> line.startsWith("- \"") && citation.getString("text")
                    .contains(line.substring(3, line.lastIndexOf("\" (")))), "a citation for each quote only: " + citation);
        }
        assertSavedAndReplayed(session, complete);
    }

    /** The saved answer and a replay of the finished turn carry the citations of its {@code complete} event. */
    private void assertSavedAndReplayed(String session, JsonObject complete) {
        assertFalse(complete.getJsonArray("citations").isEmpty());
        JsonArray saved = alice.get("api/chat/sessions/" + session).json().getJsonArray("messages");
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, saved.getJsonObject(0).getJsonArray("citations"), "a question cites nothing");
        assertEquals(complete.getJsonArray("citations"), saved.getJsonObject(1).getJsonArray("citations"));

        HttpRequest.Builder follow = alice.request("api/chat/sessions/" + session + "/stream")
                .header("Accept", "text/event-stream").GET();
        EventStream.Result replay = EventStream.read(follow);
        assertEquals(200, replay.status(), replay.errorBody());
        assertEquals(complete, last(replay, "complete"));
    }

    private void awaitIndexed() {
        Await.until(() -> "every source indexed: " + alice.get("api/notebooks/" + notebook + "/sources").body(), INDEXING, () -> {
            JsonArray sources = alice.get("api/notebooks/" + notebook + "/sources").array();
            assertFalse(sources.getValuesAs(JsonObject.class).stream().anyMatch(s -> "failed".equals(s.getString("status"))),
                    sources::toString);
            return sources.getValuesAs(JsonObject.class).stream().allMatch(s -> "ready".equals(s.getString("status")));
        });
    }

    private static JsonObject last(EventStream.Result stream, String type) {
        return stream.events().stream().filter(e -> e.type().equals(type)).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no " + type + " event: " + stream.events())).data();
    }

    /**
     * About {@code characters} of a harbour's log, sentences that differ in every detail and never speak
     * of cats, lighthouses or coffee; {@code fact}, when given, two thirds of the way in.
     */
    static String harbourLog(int book, int characters, String fact) {
        String[] who = {"merchant", "baker", "sailor", "clerk", "carpenter", "ferryman", "weaver"};
        String[] did = {"counted", "sold", "repaired", "carried", "painted", "weighed", "stacked"};
        String[] what = {"barrels of flour", "wooden crates", "fishing nets", "copper pots", "bundles of rope", "sacks of salt"};
        String[] where = {"north quay", "market square", "old warehouse", "customs house", "river gate"};
        StringBuilder log = new StringBuilder();
        boolean told = fact == null;
        for (int i = 0; log.length() < characters; i++) {
            if (!told && log.length() >= characters * 2 / 3) {
                log.append(fact).append(' ');
                told = true;
            }
            int n = book * 1_000 + i;
            log.append("On day ").append(n).append(" the ").append(who[n % who.length]).append(' ').append(did[(n / 7) % did.length])
                    .append(' ').append(3 + n % 40).append(' ').append(what[(n / 3) % what.length]).append(" at the ")
                    .append(where[(n / 5) % where.length]).append(". ");
        }
        return log.toString().strip() + " Entry " + UUID.randomUUID() + ".";
    }

    private static int setting(String variable) {
        String value = System.getenv(variable);
        if (value == null) {
            throw new IllegalStateException(variable + " is not set: run the integration tests through 'mvn verify'");
        }
        return Integer.parseInt(value);
    }
}
