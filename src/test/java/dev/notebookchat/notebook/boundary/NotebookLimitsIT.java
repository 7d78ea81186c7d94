package dev.notebookchat.notebook.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import dev.notebookchat.it.FakeProvider;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.provider.fake.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;

import static dev.notebookchat.it.Api.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits on what a notebook holds and on what a turn sends, at their edges. The integration
 * server has them small (see pom.xml); the tests read the same settings from their environment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NotebookLimitsIT {

    static final long BUDGET = setting("NOTEBOOKCHAT_CONTEXT_MAX_CHARACTERS");
    static final int MAX_SOURCES = (int) setting("NOTEBOOKCHAT_NOTEBOOK_MAX_SOURCES");
    static final long MAX_CHARACTERS = setting("NOTEBOOKCHAT_NOTEBOOK_MAX_CHARACTERS");

    static final String SENTENCE = "Espresso is brewed by forcing hot water through finely ground coffee. ";

    @RegisterExtension
    static final FakeProvider fake = new FakeProvider();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String notebook;

    @BeforeEach
    void notebook() {
        alice = Api.newUser("alice");
        notebook = alice.createNotebook("Coffee");
    }

    // ---- the context budget of a turn ----------------------------------------------------------

    @Test
    void aTurnWhoseContextIsOverTheBudgetSendsNoMoreThanTheBudgetInsteadOfBeingRefused() {
        String guide = alice.addSource(notebook, "Brewing guide", text(60_000));
        String history = alice.addSource(notebook, "History", text(40_001));
        String session = alice.createSession(notebook);
        JsonObject bothInFull = contextConfig(guide, "full content", history, "full content");
        // A model whose window (128,000 tokens) is far larger: only notebookchat.context.max-characters binds.
        String model = FakeProviders.Provider.OPENAI.model("ok");

        EventStream.Result streamed = EventStream.post(alice, "api/chat/execute/stream", ask(session, bothInFull, model));

        assertEquals(200, streamed.status(), streamed.errorBody());
        assertEquals("complete", streamed.events().get(streamed.events().size() - 1).type());
        assertEquals(2, messageCount(session));
        RecordedRequest sent = fake.requestsFor(FakeProviders.modelSent(model)).get(0);
        String system = Json.createReader(new StringReader(sent.body())).readObject().getJsonArray("messages")
                .getJsonObject(0).getString("content");
        // The instructions (under 500 characters) and the context, which holds at most the budget.
        assertTrue(system.length() <= BUDGET + 500, system.length() + " characters");

        // The preview reports the size against the budget: what a turn then sends instead of everything.
        Api.Response preview = alice.post("api/chat/context", Json.createObjectBuilder()
                .add("notebook_id", notebook).add("context_config", bothInFull).build());
        assertEquals(200, preview.status(), preview.body());
        assertEquals(BUDGET + 1, preview.json().getJsonNumber("char_count").longValue());
        assertEquals(BUDGET, preview.json().getJsonNumber("char_budget").longValue());
        assertEquals(true, preview.json().getBoolean("over_budget"));
    }

    // ---- how much a notebook holds -------------------------------------------------------------

    @Test
    void aNotebookTakesSourcesUpToTheLimitAndThenAnswers409() {
        for (int i = 0; i < MAX_SOURCES; i++) {
            alice.addSource(notebook, "Source " + i, "Text " + i);
        }

        Api.Response refused = alice.post("api/notebooks/" + notebook + "/sources", object("title", "One more", "content", "Text"));

        assertEquals(409, refused.status());
        assertEquals(Json.createObjectBuilder().add("error", "conflict").add("message", "This notebook already has " + MAX_SOURCES
                + " sources, the most a notebook may hold (" + MAX_SOURCES + ", notebookchat.notebook.max-sources). Delete a source first.")
                .build(), refused.json());
        var sources = alice.get("api/notebooks/" + notebook + "/sources").array();
        assertEquals(MAX_SOURCES, sources.size());

        assertEquals(204, alice.delete("api/sources/" + sources.getJsonObject(0).getString("id")).status());
        assertEquals(201, alice.post("api/notebooks/" + notebook + "/sources", object("title", "One more", "content", "Text")).status());
    }

    @Test
    void aNotebookHoldsCharactersUpToTheLimitAndThenAnswers413() {
        alice.addSource(notebook, "Big", "c".repeat(2_000_000));
        String note = alice.addNote(notebook, "Notes", "n".repeat((int) (MAX_CHARACTERS - 2_000_000)));
        String tooMuch = "This would make the notebook " + (MAX_CHARACTERS + 1) + " characters long; a notebook may hold at most "
                + MAX_CHARACTERS + " (notebookchat.notebook.max-characters). Shorten or delete sources or notes first.";

        Api.Response extraNote = alice.post("api/notebooks/" + notebook + "/notes", object("title", "One more", "content", "x"));
        assertEquals(413, extraNote.status());
        assertEquals(Json.createObjectBuilder().add("error", "payload_too_large").add("message", tooMuch).build(), extraNote.json());
        Api.Response extraSource = alice.post("api/notebooks/" + notebook + "/sources", object("title", "One more", "content", "x"));
        assertEquals(413, extraSource.status());
        assertEquals(tooMuch, extraSource.json().getString("message"));
        Api.Response grown = alice.put("api/notes/" + note, object("content", "n".repeat((int) (MAX_CHARACTERS - 2_000_000 + 1))));
        assertEquals(413, grown.status());
        assertEquals(tooMuch, grown.json().getString("message"));
        assertEquals(1, alice.get("api/notebooks/" + notebook + "/notes").array().size());
        assertEquals(MAX_CHARACTERS - 2_000_000, alice.get("api/notes/" + note).json().getString("content").length(),
                "the refused change left the note as it was");

        assertEquals(200, alice.put("api/notes/" + note, object("content", "n".repeat((int) (MAX_CHARACTERS - 2_000_000 - 1)))).status());
        assertEquals(201, alice.post("api/notebooks/" + notebook + "/notes", object("title", "One more", "content", "x")).status());
        // Deleted at once: indexing millions of characters would keep a core busy under the tests that follow.
        // On the embedded H2 a delete that races the indexer's read of such a text can answer 503 (try
        // again): it is sent again until it succeeds, rather than waiting for the indexer to get to it.
        Await.until("the notebook deleted", Api.INDEXING, () -> alice.delete("api/notebooks/" + notebook).status() == 204);
    }

    private int messageCount(String session) {
        return alice.get("api/chat/sessions/" + session).json().getInt("message_count");
    }

    private static JsonObject ask(String session, JsonObject contextConfig, String model) {
        return Json.createObjectBuilder().add("session_id", session).add("message", "How is espresso brewed?")
                .add("context_config", contextConfig).add("model_override", model).build();
    }

    private static JsonObject contextConfig(String source1, String level1, String source2, String level2) {
        return Json.createObjectBuilder().add("sources", Json.createObjectBuilder().add(source1, level1).add(source2, level2)).build();
    }

    /** Readable text of exactly {@code length} characters. */
    static String text(int length) {
        return SENTENCE.repeat(length / SENTENCE.length() + 1).substring(0, length);
    }

    private static long setting(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: run the integration tests through 'mvn verify'");
        }
        return Long.parseLong(value.strip());
    }
}
