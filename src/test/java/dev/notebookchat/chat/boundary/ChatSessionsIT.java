package dev.notebookchat.chat.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
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

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.notebookchat.it.Api.ids;
import static dev.notebookchat.it.Api.object;
import static dev.notebookchat.it.ApiAssertions.assertError;
import static dev.notebookchat.it.ApiAssertions.assertTimestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat sessions, the context a turn would see, and which model a turn uses. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatSessionsIT {

    /** {@code notebookchat.context.max-characters} as the integration server has it (pom.xml). */
    static final long CONTEXT_BUDGET = Long.parseLong(Optional.ofNullable(System.getenv("NOTEBOOKCHAT_CONTEXT_MAX_CHARACTERS"))
            .orElseThrow(() -> new IllegalStateException("NOTEBOOKCHAT_CONTEXT_MAX_CHARACTERS is not set: run the integration tests through 'mvn verify'")));

    static final Set<String> SESSION_FIELDS = Set.of("id", "notebook_id", "title", "created", "updated", "message_count", "model_override");
    static final Set<String> MESSAGE_FIELDS = Set.of("id", "type", "content", "timestamp", "status", "model", "usage", "citations");

    static final String ESPRESSO = "Espresso is brewed by forcing hot water through finely ground coffee."; // 69 characters
    static final String ESPRESSO_SUMMARY = "How espresso is made.";                                            // 21
    static final String COLD_BREW = "Cold brew steeps coarse grounds for 12 to 24 hours.";                   // 51
    static final String DOSE = "Use 18 grams of coffee for a double shot.";                                 // 41

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    Api alice;
    String notebook;

    @BeforeEach
    void aliceHasANotebook() {
        alice = Api.newUser("alice");
        notebook = alice.createNotebook("Coffee");
    }

    // ---- sessions --------------------------------------------------------------------------------

    @Test
    void createAnswers201WithTheDefaultTitleAndNoMessages() {
        Instant before = Instant.now();
        Api.Response response = alice.post("api/chat/sessions", object("notebook_id", notebook));
        Instant after = Instant.now();

        assertEquals(201, response.status(), response.body());
        JsonObject session = response.json();
        assertEquals(SESSION_FIELDS, session.keySet());
        assertEquals(notebook, session.getString("notebook_id"));
        assertEquals("New chat", session.getString("title"));
        assertEquals(0, session.getInt("message_count"));
        assertEquals(JsonValue.NULL, session.get("model_override"));
        assertTimestamp(session.getString("created"), before, after);
        assertEquals(session.getString("created"), session.getString("updated"));

        JsonObject read = alice.get("api/chat/sessions/" + session.getString("id")).json();
        assertEquals(withMessages(session, JsonValue.EMPTY_JSON_ARRAY), read);
    }

    @Test
    void createTakesATitleAndAModelOverride() {
        JsonObject session = alice.post("api/chat/sessions",
                object("notebook_id", notebook, "title", "Espresso questions", "model_override", "local/extractive")).json();

        assertEquals("Espresso questions", session.getString("title"));
        assertEquals("local/extractive", session.getString("model_override"));
        assertEquals(session, alice.get("api/chat/sessions?notebook_id=" + notebook).array().getJsonObject(0));
    }

    @Test
    void listShowsTheNotebooksSessionsOldestFirstWithTheirMessageCounts() {
        alice.addSource(notebook, "Brewing guide", ESPRESSO);
        String asked = alice.createSession(notebook);
        String quiet = alice.createSession(notebook);
        alice.createSession(alice.createNotebook("Tea"));
        ask(asked, "How is espresso brewed?");

        JsonArray sessions = alice.get("api/chat/sessions?notebook_id=" + notebook).array();

        assertEquals(List.of(asked, quiet), ids(sessions), "only this notebook's sessions");
        assertEquals(SESSION_FIELDS, sessions.getJsonObject(0).keySet());
        assertEquals(2, sessions.getJsonObject(0).getInt("message_count"), "the question and its answer");
        assertEquals(0, sessions.getJsonObject(1).getInt("message_count"));
    }

    @Test
    void getShowsTheMessagesInOrder() {
        alice.addSource(notebook, "Brewing guide", ESPRESSO);
        String session = alice.createSession(notebook);
        ask(session, "How is espresso brewed?");
        ask(session, "And cold brew?");

        JsonObject read = alice.get("api/chat/sessions/" + session).json();

        assertEquals(4, read.getInt("message_count"));
        JsonArray messages = read.getJsonArray("messages");
        assertEquals(List.of("human", "ai", "human", "ai"),
                messages.getValuesAs(JsonObject.class).stream().map(m -> m.getString("type")).toList());
        for (JsonObject message : messages.getValuesAs(JsonObject.class)) {
            assertEquals(MESSAGE_FIELDS, message.keySet());
            assertEquals("complete", message.getString("status"));
        }
        assertEquals("How is espresso brewed?", messages.getJsonObject(0).getString("content"));
        assertEquals("And cold brew?", messages.getJsonObject(2).getString("content"));
        JsonObject answer = messages.getJsonObject(1);
        assertEquals("local/extractive", answer.getString("model"));
        assertEquals(Set.of("input_tokens", "output_tokens"), answer.getJsonObject("usage").keySet());
        assertTrue(answer.getString("content").contains(ESPRESSO), answer.getString("content"));
        assertTrue(Instant.parse(messages.getJsonObject(0).getString("timestamp"))
                .isBefore(Instant.parse(messages.getJsonObject(3).getString("timestamp"))));
    }

    @Test
    void putChangesTitleAndModelOverrideAndAnEmptyOverrideClearsIt() {
        JsonObject created = alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", "nope/x")).json();
        String id = created.getString("id");
        waitForTheNextMillisecond();

        Instant before = Instant.now();
        JsonObject renamed = alice.put("api/chat/sessions/" + id, object("title", "Espresso")).json();
        Instant after = Instant.now();
        assertEquals(SESSION_FIELDS, renamed.keySet());
        assertEquals("Espresso", renamed.getString("title"));
        assertEquals("nope/x", renamed.getString("model_override"), "model_override kept");
        assertEquals(created.getString("created"), renamed.getString("created"));
        assertTimestamp(renamed.getString("updated"), before, after);
        assertTrue(Instant.parse(renamed.getString("updated")).isAfter(Instant.parse(created.getString("updated"))));

        JsonObject local = alice.put("api/chat/sessions/" + id, object("model_override", "local/extractive")).json();
        assertEquals("local/extractive", local.getString("model_override"));
        assertEquals("Espresso", local.getString("title"), "title kept");

        JsonObject cleared = alice.put("api/chat/sessions/" + id, object("model_override", "")).json();
        assertEquals(JsonValue.NULL, cleared.get("model_override"));
        assertEquals("Espresso", cleared.getString("title"));

        assertError(alice.put("api/chat/sessions/" + id, object("title", "")), 400, "bad_request");
        assertError(alice.put("api/chat/sessions/" + id, object("title", "   ")), 400, "bad_request");
        assertError(alice.put("api/chat/sessions/" + id, object("model_override", "gpt-4o-mini")), 400, "bad_request");
        assertEquals(withMessages(cleared, JsonValue.EMPTY_JSON_ARRAY), alice.get("api/chat/sessions/" + id).json(),
                "refused changes changed nothing");
    }

    @Test
    void deleteAnswers204AndThenTheSessionIsGone() {
        alice.addSource(notebook, "Brewing guide", ESPRESSO);
        String kept = alice.createSession(notebook);
        String gone = alice.createSession(notebook);
        ask(gone, "How is espresso brewed?");

        Api.Response deleted = alice.delete("api/chat/sessions/" + gone);

        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        assertError(alice.get("api/chat/sessions/" + gone), 404, "not_found");
        assertError(alice.put("api/chat/sessions/" + gone, object("title", "Back")), 404, "not_found");
        assertError(alice.delete("api/chat/sessions/" + gone), 404, "not_found");
        assertError(alice.post("api/chat/execute", object("session_id", gone, "message", "Still there?")), 404, "not_found");
        assertEquals(List.of(kept), ids(alice.get("api/chat/sessions?notebook_id=" + notebook).array()));
    }

    // ---- context ---------------------------------------------------------------------------------

    @Test
    void contextByDefaultHasEverySourceAtSummaryAndEveryNoteInFull() {
        String espresso = addSource("Espresso guide", ESPRESSO, ESPRESSO_SUMMARY);
        String coldBrew = alice.addSource(notebook, "Cold brew guide", COLD_BREW);
        String dose = alice.addNote(notebook, "Dose", DOSE);

        Api.Response response = alice.post("api/chat/context", object("notebook_id", notebook));

        assertEquals(200, response.status(), response.body());
        assertEquals(Json.createObjectBuilder()
                .add("context", Json.createObjectBuilder()
                        .add("sources", Json.createArrayBuilder()
                                .add(item(espresso, "Espresso guide", "summary", ESPRESSO_SUMMARY))
                                .add(item(coldBrew, "Cold brew guide", "summary", COLD_BREW)))
                        .add("notes", Json.createArrayBuilder()
                                .add(item(dose, "Dose", "full content", DOSE))))
                .add("token_count", 29) // ceil(113 / 4)
                .add("char_count", 113) // 21 + 51 + 41
                .add("char_budget", CONTEXT_BUDGET)
                .add("over_budget", false)
                .build(), response.json());
    }

    @Test
    void contextFollowsTheLevelsItIsGiven() {
        String espresso = addSource("Espresso guide", ESPRESSO, ESPRESSO_SUMMARY);
        String coldBrew = alice.addSource(notebook, "Cold brew guide", COLD_BREW);
        String dose = alice.addNote(notebook, "Dose", DOSE);

        JsonObject onlyEspresso = context(Json.createObjectBuilder()
                .add("sources", Json.createObjectBuilder().add(espresso, "full content").add(coldBrew, "not in"))
                .add("notes", Json.createObjectBuilder().add(dose, "not in"))
                .build());

        assertEquals(Json.createObjectBuilder()
                .add("context", Json.createObjectBuilder()
                        .add("sources", Json.createArrayBuilder().add(item(espresso, "Espresso guide", "full content", ESPRESSO)))
                        .add("notes", JsonValue.EMPTY_JSON_ARRAY))
                .add("token_count", 18) // ceil(69 / 4)
                .add("char_count", 69)
                .add("char_budget", CONTEXT_BUDGET)
                .add("over_budget", false)
                .build(), onlyEspresso);

        JsonObject partly = context(Json.createObjectBuilder()
                .add("sources", Json.createObjectBuilder().add(espresso, "full content"))
                .build());
        assertEquals(List.of("full content", "summary"), partly.getJsonObject("context").getJsonArray("sources")
                .getValuesAs(JsonObject.class).stream().map(i -> i.getString("level")).toList(), "unnamed items keep their default");
        assertEquals(161, partly.getInt("char_count")); // 69 + 51 + 41
        assertEquals(41, partly.getInt("token_count"));
    }

    @Test
    void aSourceWithoutSummaryIsSummarisedByTheStartOfItsContent() {
        StringBuilder words = new StringBuilder();
        for (int i = 0; words.length() < 5_000; i++) {
            words.append("Sentence number ").append(i).append(" is about coffee. ");
        }
        String content = words.toString().strip();
        alice.addSource(notebook, "Long guide", content);

        JsonObject context = alice.post("api/chat/context", object("notebook_id", notebook)).json();

        String start = context.getJsonObject("context").getJsonArray("sources").getJsonObject(0).getString("content");
        String withoutEllipsis = start.endsWith(" …") ? start.substring(0, start.length() - 2) : start;
        assertTrue(withoutEllipsis.length() >= 100 && withoutEllipsis.length() < content.length() / 2,
                "a start, not the whole source: " + start.length() + " characters");
        assertTrue(content.startsWith(withoutEllipsis), "the start of the content: " + start);
        assertEquals(start.length(), context.getInt("char_count"));
        assertEquals((start.length() + 3) / 4, context.getInt("token_count"));
    }

    @Test
    void everySourceWithoutSummaryIsSummarisedByItsOwnStart() {
        String espresso = alice.addSource(notebook, "Espresso guide", ESPRESSO);
        String coldBrew = alice.addSource(notebook, "Cold brew guide", COLD_BREW);

        JsonObject context = alice.post("api/chat/context", object("notebook_id", notebook)).json();

        assertEquals(Json.createArrayBuilder()
                .add(item(espresso, "Espresso guide", "summary", ESPRESSO))
                .add(item(coldBrew, "Cold brew guide", "summary", COLD_BREW))
                .build(), context.getJsonObject("context").getJsonArray("sources"));
        assertEquals(120, context.getInt("char_count")); // 69 + 51
    }

    @Test
    void contextOfAnEmptyNotebookIsEmpty() {
        assertEquals(Json.createObjectBuilder()
                .add("context", Json.createObjectBuilder().add("sources", JsonValue.EMPTY_JSON_ARRAY).add("notes", JsonValue.EMPTY_JSON_ARRAY))
                .add("token_count", 0)
                .add("char_count", 0)
                .add("char_budget", CONTEXT_BUDGET)
                .add("over_budget", false)
                .build(), alice.post("api/chat/context", object("notebook_id", notebook)).json());
    }

    @Test
    void contextRefusesUnknownLevelsAndItemsOfOtherNotebooks() {
        String espresso = alice.addSource(notebook, "Espresso guide", ESPRESSO);
        String dose = alice.addNote(notebook, "Dose", DOSE);
        String elsewhere = alice.addSource(alice.createNotebook("Tea"), "Tea guide", "Steep for three minutes.");

        for (JsonObject config : List.of(
                config("sources", espresso, "everything"),
                config("sources", espresso, "Summary"),
                config("notes", dose, "summary"),
                config("sources", elsewhere, "summary"),
                config("sources", dose, "full content"),
                config("notes", "no-such-note", "not in"))) {
            assertError(alice.post("api/chat/context", Json.createObjectBuilder()
                    .add("notebook_id", notebook).add("context_config", config).build()), 400, "bad_request");
        }
    }

    // ---- which model answers ---------------------------------------------------------------------

    @Test
    void withoutOverridesTheDefaultModelAnswers() {
        String session = alice.createSession(notebook);

        JsonArray messages = ask(session, "Anything?");

        assertEquals("local/extractive", messages.getJsonObject(1).getString("model"));
    }

    @Test
    void theSessionsModelOverrideBeatsTheDefault() {
        String session = sessionWithModel("nope/x");

        String refusal = assertError(alice.post("api/chat/execute", object("session_id", session, "message", "Anything?")), 400, "bad_request");

        assertTrue(refusal.contains("nope"), "the session's model was chosen: " + refusal);
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, alice.get("api/chat/sessions/" + session).json().getJsonArray("messages"));

        alice.put("api/chat/sessions/" + session, object("model_override", ""));
        assertEquals("local/extractive", ask(session, "Anything?").getJsonObject(1).getString("model"), "cleared: the default again");
    }

    @Test
    void theRequestsModelOverrideBeatsTheSessions() {
        String broken = sessionWithModel("nope/x");
        Api.Response answered = alice.post("api/chat/execute",
                object("session_id", broken, "message", "Anything?", "model_override", "local/extractive"));
        assertEquals(200, answered.status(), answered.body());
        assertEquals("local/extractive", answered.json().getJsonArray("messages").getJsonObject(1).getString("model"));
        assertEquals("nope/x", alice.get("api/chat/sessions/" + broken).json().getString("model_override"), "the session keeps its own");

        String working = sessionWithModel("local/extractive");
        String refusal = assertError(alice.post("api/chat/execute",
                object("session_id", working, "message", "Anything?", "model_override", "nope/x")), 400, "bad_request");
        assertTrue(refusal.contains("nope"), refusal);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private JsonArray ask(String session, String message) {
        Api.Response response = alice.post("api/chat/execute", object("session_id", session, "message", message));
        assertEquals(200, response.status(), response.body());
        return response.json().getJsonArray("messages");
    }

    private String sessionWithModel(String model) {
        Api.Response response = alice.post("api/chat/sessions", object("notebook_id", notebook, "model_override", model));
        assertEquals(201, response.status(), response.body());
        return response.json().getString("id");
    }

    private String addSource(String title, String content, String summary) {
        Api.Response response = alice.post("api/notebooks/" + notebook + "/sources",
                object("title", title, "content", content, "summary", summary));
        assertEquals(201, response.status(), response.body());
        return response.json().getString("id");
    }

    private JsonObject context(JsonObject config) {
        Api.Response response = alice.post("api/chat/context",
                Json.createObjectBuilder().add("notebook_id", notebook).add("context_config", config).build());
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    private static JsonObject config(String kind, String id, String level) {
        return Json.createObjectBuilder().add(kind, Json.createObjectBuilder().add(id, level)).build();
    }

    private static JsonObject item(String id, String title, String level, String content) {
        return Json.createObjectBuilder().add("id", id).add("title", title).add("level", level).add("content", content).build();
    }

    private static JsonObject withMessages(JsonObject session, JsonArray messages) {
        return Json.createObjectBuilder(session).add("messages", messages).build();
    }

    /** The server keeps timestamps to the millisecond: a change must come at least one later to show in {@code updated}. */
    private static void waitForTheNextMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
