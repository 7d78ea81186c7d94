package dev.notebookchat.problems;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.EventStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input of the contract's General section: the right status with the JSON error body,
 * nothing internal in the message, and nothing changed. Each limit is also shown to hold exactly at
 * its edge, so a refusal is not just a server that refuses everything.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ValidationIT {

    static final int MAX_MESSAGE = 32_000;
    static final int MAX_TITLE = 200;
    static final int MAX_CONTENT = 2_000_000;
    static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String notebook;
    String source;
    String note;
    String session;

    @BeforeEach
    void aliceHasANotebookWithEverything() {
        alice = Api.newUser("alice");
        notebook = alice.createNotebook("Coffee");
        source = alice.addSource(notebook, "Brewing guide", "Espresso takes about 25 seconds.");
        note = alice.addNote(notebook, "Dose", "Use 18 grams.");
        // Indexing changes their status in the background: settled first, so "nothing changed" compares like with like.
        alice.awaitIndexed("api/sources/" + source);
        alice.awaitIndexed("api/notes/" + note);
        session = alice.createSession(notebook);
    }

    /** Every request that takes a JSON body, as method and path. */
    List<List<String>> everyWrite() {
        return List.of(
                List.of("POST", "api/notebooks"),
                List.of("PUT", "api/notebooks/" + notebook),
                List.of("POST", "api/notebooks/" + notebook + "/sources"),
                List.of("PUT", "api/sources/" + source),
                List.of("POST", "api/notebooks/" + notebook + "/notes"),
                List.of("PUT", "api/notes/" + note),
                List.of("POST", "api/chat/sessions"),
                List.of("PUT", "api/chat/sessions/" + session),
                List.of("POST", "api/chat/context"),
                List.of("POST", "api/chat/execute"),
                List.of("POST", "api/chat/execute/stream"),
                List.of("PUT", "api/credentials/openai"));
    }

    // ---- bodies that are not the JSON asked for --------------------------------------------------

    @Test
    void aBodyThatIsNotTheJsonObjectAskedForIsA400Everywhere() {
        Map<String, String> before = alicesData();

        for (List<String> write : everyWrite()) {
            for (String body : List.of("{\"name\": ", "{name: 'Coffee'}", "{\"name\": \"Coffee\"} and more",
                    "{\"name\": \"Coffee\"}{\"name\": \"Tea\"}", "", "null", "[]", "[{\"name\": \"Coffee\"}]", "\"Coffee\"", "42")) {
                assertError(send(write.get(0), write.get(1), body), 400, "bad_request");
            }
        }

        assertEquals(before, alicesData());
    }

    /**
     * One byte over {@code notebookchat.http.max-request-bytes} (16 MiB) is a 413 on every call that
     * takes a body, and on the dev login without a token. The client waits for {@code 100 Continue}
     * before sending the body, so the refusal arrives as an answer, not as a connection cut mid-write.
     */
    @Test
    void aBodyOverTheByteLimitIsA413EverywhereAndChangesNothing() {
        Map<String, String> before = alicesData();

        for (List<String> write : everyWrite()) {
            String message = assertError(overLimit(alice, write.get(0), write.get(1)), 413, "payload_too_large");
            assertEquals(TOO_LARGE, message, write.toString());
        }
        assertEquals(TOO_LARGE, assertError(overLimit(Api.anonymous(), "POST", "api/auth/dev-token"), 413, "payload_too_large"));
        assertEquals(TOO_LARGE, assertError(overLimit(Api.anonymous(), "POST", "api/notebooks"), 413, "payload_too_large"));

        assertEquals(before, alicesData());
    }

    static final String TOO_LARGE = "The request body is larger than the limit of 16777216 bytes (notebookchat.http.max-request-bytes).";

    static Api.Response overLimit(Api caller, String method, String path) {
        return caller.sendBodyOf(MAX_REQUEST_BYTES + 1, method, path);
    }

    /** The control for the refusals above: JSON punctuation inside strings is text like any other. */
    @Test
    void textFullOfJsonPunctuationIsKeptAsItIs() {
        String tricky = "He wrote \"{\\\"not\\\": [json]}\" } ] \\ and left.\n\t}";

        JsonObject created = created(alice.post("api/notebooks/" + notebook + "/sources", object("title", "}{", "content", tricky)));

        assertEquals("}{", created.getString("title"));
        assertEquals(tricky, created.getString("content"));
        assertEquals(tricky, alice.get("api/sources/" + created.getString("id")).json().getString("content"));
    }

    @Test
    void aFieldOfTheWrongJsonTypeIsA400() {
        Map<String, String> before = alicesData();

        for (String body : List.of("{\"name\": [\"Coffee\"]}", "{\"name\": {\"text\": \"Coffee\"}}")) {
            assertError(send("POST", "api/notebooks", body), 400, "bad_request");
            assertError(send("PUT", "api/notebooks/" + notebook, body), 400, "bad_request");
        }
        assertError(send("POST", "api/notebooks/" + notebook + "/sources", "{\"title\": \"T\", \"content\": [\"x\"]}"), 400, "bad_request");
        assertError(send("POST", "api/notebooks/" + notebook + "/notes", "{\"title\": {}, \"content\": \"x\"}"), 400, "bad_request");
        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            assertError(send("POST", path, "{\"session_id\": \"" + session + "\", \"message\": [\"Hello\"]}"), 400, "bad_request");
            assertError(send("POST", path, "{\"session_id\": \"" + session + "\", \"message\": \"Hello\", \"context_config\": \"all\"}"),
                    400, "bad_request");
        }
        assertError(send("POST", "api/chat/context", "{\"notebook_id\": \"" + notebook + "\", \"context_config\": {\"sources\": [\"x\"]}}"),
                400, "bad_request");

        assertEquals(before, alicesData());
    }

    @Test
    void missingRequiredFieldsAreA400NamingTheField() {
        Map<String, String> before = alicesData();

        assertNames("name", send("POST", "api/notebooks", "{\"description\": \"Beans\"}"));
        assertNames("title", send("POST", "api/notebooks/" + notebook + "/sources", "{\"content\": \"x\"}"));
        assertNames("content", send("POST", "api/notebooks/" + notebook + "/sources", "{\"title\": \"T\"}"));
        assertNames("title", send("POST", "api/notebooks/" + notebook + "/notes", "{\"content\": \"x\"}"));
        assertNames("content", send("POST", "api/notebooks/" + notebook + "/notes", "{\"title\": \"T\"}"));
        assertNames("notebook_id", send("POST", "api/chat/sessions", "{\"title\": \"T\"}"));
        assertNames("notebook_id", send("POST", "api/chat/context", "{}"));
        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            assertNames("session_id", send("POST", path, "{\"message\": \"Hello\"}"));
            assertNames("message", send("POST", path, "{\"session_id\": \"" + session + "\"}"));
        }

        assertEquals(before, alicesData());
    }

    @Test
    void blankNamesAndTitlesAreA400() {
        Map<String, String> before = alicesData();

        for (String blank : List.of("", "   ", "\t\n", "\u2003", "\u00a0 \u202f")) {
            assertNames("name", alice.post("api/notebooks", object("name", blank)));
            assertNames("name", alice.put("api/notebooks/" + notebook, object("name", blank)));
            assertNames("title", alice.post("api/notebooks/" + notebook + "/sources", object("title", blank, "content", "x")));
            assertNames("title", alice.put("api/sources/" + source, object("title", blank)));
            assertNames("title", alice.post("api/notebooks/" + notebook + "/notes", object("title", blank, "content", "x")));
            assertNames("title", alice.put("api/notes/" + note, object("title", blank)));
            assertNames("title", alice.post("api/chat/sessions", object("notebook_id", notebook, "title", blank)));
            assertNames("title", alice.put("api/chat/sessions/" + session, object("title", blank)));
        }

        assertEquals(before, alicesData());
    }

    @Test
    void titlesHoldAtMost200Characters() {
        Map<String, String> before = alicesData();
        String tooLong = "t".repeat(MAX_TITLE + 1);

        assertNames("name", alice.post("api/notebooks", object("name", tooLong)));
        assertNames("name", alice.put("api/notebooks/" + notebook, object("name", tooLong)));
        assertNames("title", alice.post("api/notebooks/" + notebook + "/sources", object("title", tooLong, "content", "x")));
        assertNames("title", alice.put("api/sources/" + source, object("title", tooLong)));
        assertNames("title", alice.post("api/notebooks/" + notebook + "/notes", object("title", tooLong, "content", "x")));
        assertNames("title", alice.put("api/notes/" + note, object("title", tooLong)));
        assertNames("title", alice.post("api/chat/sessions", object("notebook_id", notebook, "title", tooLong)));
        assertNames("title", alice.put("api/chat/sessions/" + session, object("title", tooLong)));
        assertEquals(before, alicesData());

        String longest = "t".repeat(MAX_TITLE);
        assertEquals(longest, created(alice.post("api/notebooks", object("name", longest))).getString("name"));
        assertEquals(longest, ok(alice.put("api/notebooks/" + notebook, object("name", longest))).getString("name"));
        assertEquals(longest, created(alice.post("api/notebooks/" + notebook + "/sources", object("title", longest, "content", "x"))).getString("title"));
        assertEquals(longest, ok(alice.put("api/sources/" + source, object("title", longest))).getString("title"));
        assertEquals(longest, created(alice.post("api/notebooks/" + notebook + "/notes", object("title", longest, "content", "x"))).getString("title"));
        assertEquals(longest, ok(alice.put("api/notes/" + note, object("title", longest))).getString("title"));
        assertEquals(longest, created(alice.post("api/chat/sessions", object("notebook_id", notebook, "title", longest))).getString("title"));
        assertEquals(longest, ok(alice.put("api/chat/sessions/" + session, object("title", longest))).getString("title"));
    }

    // ---- chat messages ---------------------------------------------------------------------------

    @Test
    void aChatMessageIsOneTo32000CharactersAndNotOnlyWhitespace() {
        Map<String, String> before = alicesData();

        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            for (String message : List.of("", " ", "   \n\t  ", "\u00a0\u2003", "m".repeat(MAX_MESSAGE + 1))) {
                assertNames("message", send("POST", path, ask(session, message).toString()));
            }
        }
        assertEquals(before, alicesData());
    }

    @Test
    void aChatMessageOfExactly32000CharactersIsAnswered() {
        String emptyNotebook = alice.createNotebook("Empty");
        String quick = alice.createSession(emptyNotebook);
        String longest = "m".repeat(MAX_MESSAGE - 1) + "?";

        Api.Response answered = alice.post("api/chat/execute", ask(quick, longest));
        assertEquals(200, answered.status(), answered.body());
        assertEquals(longest, answered.json().getJsonArray("messages").getJsonObject(0).getString("content"));

        EventStream.Result streamed = EventStream.post(alice, "api/chat/execute/stream", ask(quick, longest));
        assertEquals(200, streamed.status(), streamed.errorBody());
        assertEquals("user_message", streamed.events().get(0).type());
        assertEquals(longest, streamed.events().get(0).data().getString("content"));
        assertEquals("complete", streamed.events().get(streamed.events().size() - 1).type());
        assertEquals(4, alice.get("api/chat/sessions/" + quick).json().getInt("message_count"));
    }

    // ---- text must be valid Unicode --------------------------------------------------------------

    @Test
    void aLoneSurrogateIsA400WhereverTextGoes() {
        Map<String, String> before = alicesData();

        for (String lone : List.of("\\ud800", "\\udc00", "A\\ud83d")) {
            String text = "\"Bad " + lone + " text\"";
            assertError(send("POST", "api/notebooks", "{\"name\": " + text + "}"), 400, "bad_request");
            assertError(send("POST", "api/notebooks", "{\"name\": \"Coffee\", \"description\": " + text + "}"), 400, "bad_request");
            assertError(send("PUT", "api/notebooks/" + notebook, "{\"name\": " + text + "}"), 400, "bad_request");
            assertError(send("POST", "api/notebooks/" + notebook + "/sources", "{\"title\": " + text + ", \"content\": \"x\"}"), 400, "bad_request");
            assertError(send("POST", "api/notebooks/" + notebook + "/sources", "{\"title\": \"T\", \"content\": " + text + "}"), 400, "bad_request");
            assertError(send("POST", "api/notebooks/" + notebook + "/sources",
                    "{\"title\": \"T\", \"content\": \"x\", \"summary\": " + text + "}"), 400, "bad_request");
            assertError(send("PUT", "api/sources/" + source, "{\"content\": " + text + "}"), 400, "bad_request");
            assertError(send("POST", "api/notebooks/" + notebook + "/notes", "{\"title\": \"T\", \"content\": " + text + "}"), 400, "bad_request");
            assertError(send("PUT", "api/notes/" + note, "{\"title\": " + text + "}"), 400, "bad_request");
            assertError(send("POST", "api/chat/sessions", "{\"notebook_id\": \"" + notebook + "\", \"title\": " + text + "}"), 400, "bad_request");
            assertError(send("PUT", "api/chat/sessions/" + session, "{\"title\": " + text + "}"), 400, "bad_request");
            for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
                assertError(send("POST", path, "{\"session_id\": \"" + session + "\", \"message\": " + text + "}"), 400, "bad_request");
            }
        }
        assertEquals(before, alicesData());

        // the control: a surrogate pair, escaped the same way, is a character like any other
        JsonObject smiling = created(send("POST", "api/notebooks", "{\"name\": \"Smile \\ud83d\\ude00\"}"));
        assertEquals("Smile \uD83D\uDE00", smiling.getString("name"));
        assertEquals("Smile \uD83D\uDE00", alice.get("api/notebooks/" + smiling.getString("id")).json().getString("name"));
    }

    // ---- the size of a source --------------------------------------------------------------------

    @Test
    void aSourceOfMoreThan2000000CharactersIsA413() {
        Map<String, String> before = alicesData();
        String tooLong = "c".repeat(MAX_CONTENT + 1);

        assertError(alice.post("api/notebooks/" + notebook + "/sources", object("title", "Huge", "content", tooLong)),
                413, "payload_too_large");
        assertError(alice.put("api/sources/" + source, object("content", tooLong)), 413, "payload_too_large");
        assertEquals(before, alicesData());

        String elsewhere = alice.createNotebook("Big");
        String longest = "c".repeat(MAX_CONTENT);
        JsonObject big = created(alice.post("api/notebooks/" + elsewhere + "/sources", object("title", "Big", "content", longest)));
        assertEquals(MAX_CONTENT, big.getString("content").length());
        assertEquals(longest, alice.get("api/sources/" + big.getString("id")).json().getString("content"));
        // Deleted at once: indexing millions of characters would keep a core busy under the tests that follow;
        // once the indexer has claimed (and read) the text, so the delete does not race that read.
        alice.awaitClaimed("api/sources/" + big.getString("id"));
        assertEquals(204, alice.delete("api/notebooks/" + elsewhere).status());
    }

    // ---- what a turn is asked to use -------------------------------------------------------------

    @Test
    void anUnknownOrMalformedModelOverrideIsA400() {
        Map<String, String> before = alicesData();

        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            String unknown = assertError(send("POST", path, withModel("nope/x")), 400, "bad_request");
            assertTrue(unknown.contains("nope"), unknown);
            for (String malformed : List.of("gpt-4o-mini", "openai/", "/gpt-4o-mini", "/")) {
                assertError(send("POST", path, withModel(malformed)), 400, "bad_request");
            }
            String keyless = assertError(send("POST", path, withModel("openrouter/openai/gpt-4o-mini")), 400, "bad_request");
            assertTrue(keyless.contains("openrouter"), "names the provider: " + keyless);
        }
        assertError(alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", "gpt-4o-mini")), 400, "bad_request");

        assertEquals(before, alicesData());
    }

    /**
     * Sessions and turns read model names by one rule: a name every turn would refuse is refused when
     * the session is created or changed, in the same words.
     */
    @Test
    void aSessionRefusesAModelOverrideATurnWouldRefuseInTheSameWords() {
        Map<String, String> before = alicesData();

        for (String model : List.of("OpenAI/gpt-4o", "gpt-4o-mini", "openai/gpt 4o", "/gpt-4o", "openrouter//gpt")) {
            String atTurn = assertError(send("POST", "api/chat/execute", withModel(model)), 400, "bad_request");
            String atCreate = assertError(alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", model)),
                    400, "bad_request");
            String atChange = assertError(alice.put("api/chat/sessions/" + session, object("model_override", model)),
                    400, "bad_request");
            assertEquals(atTurn, atCreate, model);
            assertEquals(atTurn, atChange, model);
        }
        assertError(alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", "")), 400, "bad_request");
        assertEquals("model_override 'OpenAI/gpt-4o' is not a model name: \"OpenAI\" is not a provider name "
                + "(lower-case letters, digits, _ and -)",
                assertError(alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", "OpenAI/gpt-4o")),
                        400, "bad_request"));

        assertEquals(before, alicesData());
    }

    /** The control: every model the list offers is one a session takes. */
    @Test
    void everyListedModelIsOneASessionTakes() {
        for (JsonObject model : alice.get("api/models").array().getValuesAs(JsonObject.class)) {
            Api.Response created = alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", model.getString("id")));
            assertEquals(201, created.status(), created.body());
            assertEquals(model.getString("id"), created.json().getString("model_override"));
        }
    }

    @Test
    void aContextConfigWithAnUnknownLevelOrAForeignIdIsA400() {
        Map<String, String> before = alicesData();
        String foreign = alice.addSource(alice.createNotebook("Tea"), "Tea guide", "Steep for three minutes.");
        before.remove("api/notebooks");

        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            for (JsonObject config : List.of(
                    config("sources", source, "everything"),
                    config("notes", note, "summary"),
                    config("sources", foreign, "full content"),
                    config("notes", source, "full content"))) {
                JsonObject request = Json.createObjectBuilder(ask(session, "Hello?")).add("context_config", config).build();
                assertError(send("POST", path, request.toString()), 400, "bad_request");
            }
        }

        Map<String, String> after = alicesData();
        after.remove("api/notebooks");
        assertEquals(before, after);
    }

    // ---- ids, paths and methods ------------------------------------------------------------------

    @Test
    void anUnknownSessionIsA404() {
        String missing = UUID.randomUUID().toString();
        for (String path : List.of("api/chat/execute", "api/chat/execute/stream")) {
            assertError(send("POST", path, ask(missing, "Hello?").toString()), 404, "not_found");
        }
        assertError(alice.get("api/chat/sessions/" + missing), 404, "not_found");
    }

    @Test
    void listingSessionsNeedsANotebookId() {
        assertNames("notebook_id", alice.get("api/chat/sessions"));
        assertNames("notebook_id", alice.get("api/chat/sessions?notebook_id="));
    }

    @Test
    void anUnknownPathIsAJson404() {
        assertError(alice.get("api/nope"), 404, "not_found");
        assertError(alice.post("api/nope", object("name", "x")), 404, "not_found");
        assertError(alice.get("api/notebooks/" + notebook + "/nope"), 404, "not_found");
        assertError(alice.get("api/chat/sessions/" + session + "/nope/deeper"), 404, "not_found");
    }

    @Test
    void aMethodAPathDoesNotTakeIsAJson405() {
        Map<String, String> before = alicesData();

        assertError(alice.delete("api/notebooks"), 405, "method_not_allowed");
        assertError(alice.put("api/notebooks", object("name", "x")), 405, "method_not_allowed");
        assertError(alice.post("api/notebooks/" + notebook, object("name", "x")), 405, "method_not_allowed");
        assertError(alice.post("api/sources/" + source, object("title", "x")), 405, "method_not_allowed");
        assertError(alice.delete("api/notebooks/" + notebook + "/notes"), 405, "method_not_allowed");
        assertError(alice.get("api/chat/execute"), 405, "method_not_allowed");
        assertError(alice.get("api/chat/execute/stream"), 405, "method_not_allowed");
        assertError(alice.get("api/chat/context"), 405, "method_not_allowed");
        assertError(alice.post("api/credentials", object("api_key", "x")), 405, "method_not_allowed");

        assertEquals(before, alicesData());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Sends the body as it is; the streaming endpoint is asked for a stream, as a browser would. */
    private Api.Response send(String method, String path, String body) {
        if (path.endsWith("execute/stream")) {
            return EventStream.post(alice, path, body).refusal();
        }
        return alice.send(alice.request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void assertNames(String field, Api.Response response) {
        String message = assertError(response, 400, "bad_request");
        assertTrue(message.contains(field), "names " + field + ": " + message);
    }

    private static JsonObject ask(String session, String message) {
        return object("session_id", session, "message", message);
    }

    private String withModel(String model) {
        return object("session_id", session, "message", "Hello?", "model_override", model).toString();
    }

    private static JsonObject config(String kind, String id, String level) {
        return Json.createObjectBuilder().add(kind, Json.createObjectBuilder().add(id, level)).build();
    }

    private static JsonObject created(Api.Response response) {
        assertEquals(201, response.status(), response.body());
        return response.json();
    }

    private static JsonObject ok(Api.Response response) {
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    /** Every answer alice gets about her data, keyed by path: equal before and after means nothing changed. */
    private Map<String, String> alicesData() {
        Map<String, String> data = new LinkedHashMap<>();
        for (String path : List.of("api/notebooks", "api/notebooks/" + notebook,
                "api/notebooks/" + notebook + "/sources", "api/notebooks/" + notebook + "/notes",
                "api/sources/" + source, "api/notes/" + note,
                "api/chat/sessions?notebook_id=" + notebook, "api/chat/sessions/" + session, "api/credentials")) {
            Api.Response response = alice.get(path);
            assertEquals(200, response.status(), path + ": " + response.body());
            data.put(path, response.body());
        }
        return data;
    }
}
