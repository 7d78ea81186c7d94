package dev.notebookchat.security.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static dev.notebookchat.it.Api.ids;
import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Everything a user creates is theirs alone: another user's id answers exactly like an id that does
 * not exist, whatever the method, and leaves the owner's data as it was.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OwnershipIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    Api bob;
    String notebook;
    String source;
    String note;
    String session;

    @BeforeEach
    void aliceHasANotebookWithEverything() {
        alice = Api.newUser("alice");
        bob = Api.newUser("bob");
        notebook = alice.createNotebook("Alice's coffee");
        source = alice.addSource(notebook, "Brewing guide", "A good espresso takes about 25 seconds to extract.");
        note = alice.addNote(notebook, "Dose", "Use 18 grams of coffee.");
        // Indexing changes their status in the background: settled first, so "nothing changed" compares like with like.
        alice.awaitIndexed("api/sources/" + source);
        alice.awaitIndexed("api/notes/" + note);
        session = alice.createSession(notebook);
        assertEquals(200, alice.post("api/chat/execute", object("session_id", session, "message", "How long does espresso take?")).status());
    }

    @Test
    void readingAnotherUsersItemsAnswersExactlyLikeAMissingId() {
        sameAsMissing("notebook", notebook, id -> bob.get("api/notebooks/" + id));
        sameAsMissing("notebook's sources", notebook, id -> bob.get("api/notebooks/" + id + "/sources"));
        sameAsMissing("notebook's notes", notebook, id -> bob.get("api/notebooks/" + id + "/notes"));
        sameAsMissing("source", source, id -> bob.get("api/sources/" + id));
        sameAsMissing("note", note, id -> bob.get("api/notes/" + id));
        sameAsMissing("chat session", session, id -> bob.get("api/chat/sessions/" + id));
        sameAsMissing("sessions of the notebook", notebook, id -> bob.get("api/chat/sessions?notebook_id=" + id));
        sameAsMissing("context of the notebook", notebook, id -> bob.post("api/chat/context", object("notebook_id", id)));
    }

    @Test
    void changingAnotherUsersItemsAnswersLikeAMissingIdAndChangesNothing() {
        Map<String, String> before = alicesData();

        sameAsMissing("renaming the notebook", notebook, id -> bob.put("api/notebooks/" + id, object("name", "Bob's now")));
        sameAsMissing("adding a source", notebook, id -> bob.post("api/notebooks/" + id + "/sources",
                object("title", "Planted", "content", "Bob was here.")));
        sameAsMissing("adding a note", notebook, id -> bob.post("api/notebooks/" + id + "/notes",
                object("title", "Planted", "content", "Bob was here.")));
        sameAsMissing("editing the source", source, id -> bob.put("api/sources/" + id, object("content", "Bob was here.")));
        sameAsMissing("editing the note", note, id -> bob.put("api/notes/" + id, object("content", "Bob was here.")));
        sameAsMissing("starting a chat in the notebook", notebook, id -> bob.post("api/chat/sessions", object("notebook_id", id)));
        sameAsMissing("renaming the chat", session, id -> bob.put("api/chat/sessions/" + id, object("title", "Bob's chat")));
        sameAsMissing("asking in the chat", session, id -> bob.post("api/chat/execute",
                object("session_id", id, "message", "What does Alice know?")));
        sameAsMissing("asking in the chat, streamed", session, id -> EventStream.post(bob, "api/chat/execute/stream",
                object("session_id", id, "message", "What does Alice know?")).refusal());
        sameAsMissing("deleting the source", source, id -> bob.delete("api/sources/" + id));
        sameAsMissing("deleting the note", note, id -> bob.delete("api/notes/" + id));
        sameAsMissing("deleting the chat", session, id -> bob.delete("api/chat/sessions/" + id));
        sameAsMissing("deleting the notebook", notebook, id -> bob.delete("api/notebooks/" + id));

        assertEquals(before, alicesData());
    }

    @Test
    void listsShowOnlyTheCallersOwnItems() {
        assertEquals(List.of(), bob.get("api/notebooks").array(), "bob sees none of alice's notebooks");
        String bobs = bob.createNotebook("Bob's tea");
        String bobsSource = bob.addSource(bobs, "Tea guide", "Steep for three minutes.");
        String bobsNote = bob.addNote(bobs, "Cup", "Green tea wants 80 degrees.");
        String bobsSession = bob.createSession(bobs);

        assertEquals(List.of(bobs), ids(bob.get("api/notebooks").array()));
        assertEquals(List.of(notebook), ids(alice.get("api/notebooks").array()));
        assertEquals(List.of(source), ids(alice.get("api/notebooks/" + notebook + "/sources").array()));
        assertEquals(List.of(note), ids(alice.get("api/notebooks/" + notebook + "/notes").array()));
        assertEquals(List.of(session), ids(alice.get("api/chat/sessions?notebook_id=" + notebook).array()));
        assertEquals(List.of(bobsSource), ids(bob.get("api/notebooks/" + bobs + "/sources").array()));
        assertEquals(List.of(bobsNote), ids(bob.get("api/notebooks/" + bobs + "/notes").array()));
        assertEquals(List.of(bobsSession), ids(bob.get("api/chat/sessions?notebook_id=" + bobs).array()));
    }

    /** Bob's request on alice's {@code id} is a 404 whose every byte matches the one for an id that never existed. */
    private static void sameAsMissing(String what, String alicesId, Function<String, Api.Response> request) {
        Api.Response theirs = request.apply(alicesId);
        Api.Response missing = request.apply(UUID.randomUUID().toString());
        assertError(missing, 404, "not_found");
        assertError(theirs, 404, "not_found");
        assertEquals(missing.body(), theirs.body(), what);
        assertEquals(missing.header("Content-Type"), theirs.header("Content-Type"), what);
    }

    /** Every answer alice gets about her notebook, keyed by path. */
    private Map<String, String> alicesData() {
        Map<String, String> data = new LinkedHashMap<>();
        for (String path : List.of("api/notebooks", "api/notebooks/" + notebook,
                "api/notebooks/" + notebook + "/sources", "api/notebooks/" + notebook + "/notes",
                "api/sources/" + source, "api/notes/" + note,
                "api/chat/sessions?notebook_id=" + notebook, "api/chat/sessions/" + session)) {
            Api.Response response = alice.get(path);
            assertEquals(200, response.status(), path + ": " + response.body());
            data.put(path, response.body());
        }
        JsonObject chat = alice.get("api/chat/sessions/" + session).json();
        assertEquals(2, chat.getJsonArray("messages").size(), "alice's question and its answer");
        return data;
    }
}
