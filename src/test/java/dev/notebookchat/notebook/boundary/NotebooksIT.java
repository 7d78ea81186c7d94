package dev.notebookchat.notebook.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static dev.notebookchat.it.Api.ids;
import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static dev.notebookchat.it.ApiAssertions.assertTimestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notebooks, sources and notes over HTTP, field by field as the contract shows them. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NotebooksIT {

    static final Set<String> NOTEBOOK_FIELDS = Set.of("id", "name", "description", "created", "updated");
    static final Set<String> SOURCE_FIELDS = Set.of("id", "notebook_id", "title", "content", "summary", "created", "updated", "status");
    static final Set<String> NOTE_FIELDS = Set.of("id", "notebook_id", "title", "content", "created", "updated", "status");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;

    @BeforeEach
    void signIn() {
        alice = Api.newUser("alice");
    }

    // ---- notebooks -------------------------------------------------------------------------------

    @Test
    void createAnswers201WithEveryFieldAndTheSameNotebookIsReadBack() {
        Instant before = Instant.now();
        Api.Response response = alice.post("api/notebooks", object("name", "Coffee", "description", "Brewing notes"));
        Instant after = Instant.now();

        assertEquals(201, response.status(), response.body());
        JsonObject notebook = response.json();
        assertEquals(NOTEBOOK_FIELDS, notebook.keySet());
        assertEquals("Coffee", notebook.getString("name"));
        assertEquals("Brewing notes", notebook.getString("description"));
        assertTimestamp(notebook.getString("created"), before, after);
        assertEquals(notebook.getString("created"), notebook.getString("updated"), "a new notebook was updated when it was created");
        assertEquals(notebook, alice.get("api/notebooks/" + notebook.getString("id")).json());
    }

    @Test
    void descriptionIsOptionalAndThenNull() {
        JsonObject notebook = alice.post("api/notebooks", object("name", "Tea")).json();

        assertEquals(NOTEBOOK_FIELDS, notebook.keySet());
        assertEquals(JsonValue.NULL, notebook.get("description"));
    }

    @Test
    void listShowsTheUsersNotebooksOldestFirst() {
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, alice.get("api/notebooks").array(), "a new user has no notebooks");
        JsonObject first = alice.post("api/notebooks", object("name", "First")).json();
        JsonObject second = alice.post("api/notebooks", object("name", "Second")).json();
        JsonObject third = alice.post("api/notebooks", object("name", "Third")).json();

        Api.Response list = alice.get("api/notebooks");

        assertEquals(200, list.status());
        assertEquals(List.of(first, second, third), list.array());
    }

    @Test
    void putChangesOnlyTheFieldsItNamesAndMovesUpdated() {
        JsonObject created = alice.post("api/notebooks", object("name", "Coffee", "description", "Old words")).json();
        String id = created.getString("id");
        waitForTheNextMillisecond();

        Instant before = Instant.now();
        JsonObject described = alice.put("api/notebooks/" + id, object("description", "New words")).json();
        Instant after = Instant.now();

        assertEquals(NOTEBOOK_FIELDS, described.keySet());
        assertEquals(id, described.getString("id"));
        assertEquals("Coffee", described.getString("name"), "name kept");
        assertEquals("New words", described.getString("description"));
        assertEquals(created.getString("created"), described.getString("created"));
        assertTimestamp(described.getString("updated"), before, after);
        assertTrue(Instant.parse(described.getString("updated")).isAfter(Instant.parse(created.getString("updated"))));

        JsonObject renamed = alice.put("api/notebooks/" + id, object("name", "Espresso")).json();
        assertEquals("Espresso", renamed.getString("name"));
        assertEquals("New words", renamed.getString("description"), "description kept");
        assertEquals(renamed, alice.get("api/notebooks/" + id).json());
    }

    @Test
    void deleteAnswers204AndThenTheNotebookIsGone() {
        String keep = alice.createNotebook("Keep");
        String gone = alice.createNotebook("Gone");

        Api.Response deleted = alice.delete("api/notebooks/" + gone);

        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertError(alice.get("api/notebooks/" + gone), 404, "not_found");
        assertError(alice.put("api/notebooks/" + gone, object("name", "Back")), 404, "not_found");
        assertError(alice.delete("api/notebooks/" + gone), 404, "not_found");
        assertEquals(List.of(keep), ids(alice.get("api/notebooks").array()));
    }

    @Test
    void deletingANotebookRemovesItsSourcesNotesAndChatSessions() {
        String gone = alice.createNotebook("Gone");
        String source = alice.addSource(gone, "Guide", "Espresso takes about 25 seconds.");
        String note = alice.addNote(gone, "Mine", "Try 18 grams.");
        String session = alice.createSession(gone);
        assertEquals(200, alice.post("api/chat/execute", object("session_id", session, "message", "How long does espresso take?")).status());
        String keep = alice.createNotebook("Keep");
        String keptSource = alice.addSource(keep, "Other guide", "Tea steeps for three minutes.");
        String keptNote = alice.addNote(keep, "Other", "Green tea wants cooler water.");
        String keptSession = alice.createSession(keep);
        JsonObject keptSessionBefore = alice.get("api/chat/sessions/" + keptSession).json();

        assertEquals(204, alice.delete("api/notebooks/" + gone).status());

        assertError(alice.get("api/sources/" + source), 404, "not_found");
        assertError(alice.get("api/notes/" + note), 404, "not_found");
        assertError(alice.get("api/chat/sessions/" + session), 404, "not_found");
        assertError(alice.get("api/notebooks/" + gone + "/sources"), 404, "not_found");
        assertError(alice.get("api/notebooks/" + gone + "/notes"), 404, "not_found");
        assertError(alice.get("api/chat/sessions?notebook_id=" + gone), 404, "not_found");
        assertError(alice.post("api/chat/execute", object("session_id", session, "message", "Still there?")), 404, "not_found");

        assertEquals(List.of(keptSource), ids(alice.get("api/notebooks/" + keep + "/sources").array()));
        assertEquals(List.of(keptNote), ids(alice.get("api/notebooks/" + keep + "/notes").array()));
        assertEquals(keptSessionBefore, alice.get("api/chat/sessions/" + keptSession).json());
    }

    // ---- sources ---------------------------------------------------------------------------------

    @Test
    void sourcesAreCreatedListedUpdatedAndDeleted() {
        String notebook = alice.createNotebook("Coffee");

        Instant before = Instant.now();
        Api.Response response = alice.post("api/notebooks/" + notebook + "/sources",
                object("title", "Brewing guide", "content", "Espresso takes about 25 seconds.", "summary", "Espresso timing."));
        Instant after = Instant.now();

        assertEquals(201, response.status(), response.body());
        JsonObject guide = response.json();
        assertEquals(SOURCE_FIELDS, guide.keySet());
        assertEquals(notebook, guide.getString("notebook_id"));
        assertEquals("Brewing guide", guide.getString("title"));
        assertEquals("Espresso takes about 25 seconds.", guide.getString("content"));
        assertEquals("Espresso timing.", guide.getString("summary"));
        assertTimestamp(guide.getString("created"), before, after);
        assertEquals(guide.getString("created"), guide.getString("updated"));
        assertEquals("pending", guide.getString("status"), "indexed after the answer");
        assertEquals(withoutStatus(guide), withoutStatus(alice.get("api/sources/" + guide.getString("id")).json()));

        JsonObject history = alice.post("api/notebooks/" + notebook + "/sources",
                object("title", "History", "content", "Espresso was born in Italy.")).json();
        assertEquals(JsonValue.NULL, history.get("summary"), "summary is optional");
        assertEquals(withoutStatus(List.of(guide, history)), withoutStatus(alice.get("api/notebooks/" + notebook + "/sources").array()));

        String id = guide.getString("id");
        waitForTheNextMillisecond();
        Instant beforePut = Instant.now();
        JsonObject summarised = alice.put("api/sources/" + id, object("summary", "Timing of espresso.")).json();
        Instant afterPut = Instant.now();
        assertEquals(SOURCE_FIELDS, summarised.keySet());
        assertEquals("Brewing guide", summarised.getString("title"), "title kept");
        assertEquals("Espresso takes about 25 seconds.", summarised.getString("content"), "content kept");
        assertEquals("Timing of espresso.", summarised.getString("summary"));
        assertEquals(guide.getString("created"), summarised.getString("created"));
        assertTimestamp(summarised.getString("updated"), beforePut, afterPut);
        assertTrue(Instant.parse(summarised.getString("updated")).isAfter(Instant.parse(guide.getString("updated"))));

        JsonObject rewritten = alice.put("api/sources/" + id, object("title", "Espresso guide", "content", "About 25 to 30 seconds.")).json();
        assertEquals("Espresso guide", rewritten.getString("title"));
        assertEquals("About 25 to 30 seconds.", rewritten.getString("content"));
        assertEquals("Timing of espresso.", rewritten.getString("summary"), "summary kept");
        assertEquals(withoutStatus(rewritten), withoutStatus(alice.get("api/sources/" + id).json()));

        Api.Response deleted = alice.delete("api/sources/" + id);
        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertError(alice.get("api/sources/" + id), 404, "not_found");
        assertError(alice.put("api/sources/" + id, object("title", "Back")), 404, "not_found");
        assertError(alice.delete("api/sources/" + id), 404, "not_found");
        assertEquals(withoutStatus(List.of(history)), withoutStatus(alice.get("api/notebooks/" + notebook + "/sources").array()));
    }

    // ---- notes -----------------------------------------------------------------------------------

    @Test
    void notesAreCreatedListedUpdatedAndDeleted() {
        String notebook = alice.createNotebook("Coffee");

        Instant before = Instant.now();
        Api.Response response = alice.post("api/notebooks/" + notebook + "/notes",
                object("title", "Grind", "content", "Finer for espresso."));
        Instant after = Instant.now();

        assertEquals(201, response.status(), response.body());
        JsonObject grind = response.json();
        assertEquals(NOTE_FIELDS, grind.keySet());
        assertEquals(notebook, grind.getString("notebook_id"));
        assertEquals("Grind", grind.getString("title"));
        assertEquals("Finer for espresso.", grind.getString("content"));
        assertTimestamp(grind.getString("created"), before, after);
        assertEquals(grind.getString("created"), grind.getString("updated"));
        assertEquals("pending", grind.getString("status"), "indexed after the answer");
        assertEquals(withoutStatus(grind), withoutStatus(alice.get("api/notes/" + grind.getString("id")).json()));

        JsonObject dose = alice.post("api/notebooks/" + notebook + "/notes", object("title", "Dose", "content", "18 grams.")).json();
        assertEquals(withoutStatus(List.of(grind, dose)), withoutStatus(alice.get("api/notebooks/" + notebook + "/notes").array()));

        String id = grind.getString("id");
        waitForTheNextMillisecond();
        Instant beforePut = Instant.now();
        JsonObject edited = alice.put("api/notes/" + id, object("content", "Finer for espresso, coarser for cold brew.")).json();
        Instant afterPut = Instant.now();
        assertEquals(NOTE_FIELDS, edited.keySet());
        assertEquals("Grind", edited.getString("title"), "title kept");
        assertEquals("Finer for espresso, coarser for cold brew.", edited.getString("content"));
        assertEquals(grind.getString("created"), edited.getString("created"));
        assertTimestamp(edited.getString("updated"), beforePut, afterPut);
        assertTrue(Instant.parse(edited.getString("updated")).isAfter(Instant.parse(grind.getString("updated"))));

        JsonObject retitled = alice.put("api/notes/" + id, object("title", "Grind size")).json();
        assertEquals("Grind size", retitled.getString("title"));
        assertEquals("Finer for espresso, coarser for cold brew.", retitled.getString("content"), "content kept");
        assertEquals(withoutStatus(retitled), withoutStatus(alice.get("api/notes/" + id).json()));

        Api.Response deleted = alice.delete("api/notes/" + id);
        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertError(alice.get("api/notes/" + id), 404, "not_found");
        assertError(alice.put("api/notes/" + id, object("title", "Back")), 404, "not_found");
        assertError(alice.delete("api/notes/" + id), 404, "not_found");
        assertEquals(withoutStatus(List.of(dose)), withoutStatus(alice.get("api/notebooks/" + notebook + "/notes").array()));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The server keeps timestamps to the millisecond: a change must come at least one later to show in {@code updated}. */
    static void waitForTheNextMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A source or note without its indexing status, which the server moves on in the background
     * ({@code pending}, {@code indexing}, {@code ready}) between two reads; PassagesIT follows it.
     */
    static JsonObject withoutStatus(JsonObject item) {
        return Json.createObjectBuilder(item).remove("status").build();
    }

    static List<JsonObject> withoutStatus(List<? extends JsonValue> items) {
        return items.stream().map(item -> withoutStatus(item.asJsonObject())).toList();
    }
}
