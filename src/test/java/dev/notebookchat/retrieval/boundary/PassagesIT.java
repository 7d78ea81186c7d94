package dev.notebookchat.retrieval.boundary;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Await;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.operations.PrometheusText;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passages as a user sees them: sources and notes go from {@code pending} to {@code ready} in the
 * background, each passage text is embedded once (the {@code notebookchat_passages_embedded_total}
 * counter moves by exactly the passages that are new), deleting an item takes its passages with it,
 * and a fixed notebook gives the same top passages on every database this runs against (H2 and
 * PostgreSQL passes).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PassagesIT {

    static final String EMBEDDED = "notebookchat_passages_embedded_total";

    /** Three passages at the default 800 characters with 120 of overlap; its last sentence is in the third only. */
    static final String LIGHTHOUSE = String.join(" ",
            "The lighthouse on Skerry Point was first lit in 1821, with a fixed white light fed by whale oil lamps.",
            "Its tower is built of granite blocks cut on the mainland and carried across the sound by sailing barges.",
            "The first keeper, Thomas Arkle, kept a log of every ship that passed, which survives in the county archive.",
            "In 1852 the oil lamps were replaced by a first-order Fresnel lens made in Paris by the firm of Henry-Lepaute.",
            "The lens weighs almost six tons and floats on a bath of mercury, so that a single hand can turn it.",
            "A clockwork drive wound every four hours turned the lens, giving two white flashes every fifteen seconds.",
            "Keepers lived with their families in two cottages beside the tower, sharing a walled garden and a cow.",
            "Supplies came by boat once a fortnight, and in winter storms the station was often cut off for weeks.",
            "The fog signal, a pair of compressed air horns, was added in 1903 after the wreck of the steamer Aldwych.",
            "Electricity reached the station in 1957, and the clockwork drive was replaced by an electric motor.",
            "The light was automated in 1988, and the last keepers left the point in the spring of that year.",
            "Today the tower is managed by a trust that opens it to visitors on summer weekends.",
            "From the gallery at the top, on a clear day, visitors can see the hills of three counties.",
            "The cottages now house a small museum with the keepers' logbooks, uniforms and a spare lamp.",
            "A colony of puffins nests on the cliffs below the tower from April to the end of July.",
            "The trust asks visitors to keep to the marked paths so that the burrows are not trampled.",
            "The lighthouse still guides ships today, with a range of twenty-two nautical miles in clear weather.");

    /** Two passages. */
    static final String ESPRESSO = String.join(" ",
            "Espresso is brewed by forcing hot water at about nine bars of pressure through finely ground coffee.",
            "A single shot uses seven to nine grams of coffee and takes about twenty-five seconds to extract.",
            "Too fine a grind chokes the machine and the shot tastes bitter; too coarse a grind runs fast and sour.",
            "The crema, a layer of golden foam, forms when carbon dioxide from fresh beans is pushed out under pressure.",
            "Baristas tamp the grounds with about fifteen kilograms of force so that the water flows through evenly.",
            "Milk for a cappuccino is steamed to about sixty degrees, where it tastes sweetest.",
            "A flat white uses less foam than a cappuccino and usually a double shot.",
            "Beans are best used between one and four weeks after roasting, once the gas has settled.",
            "Decaffeinated beans are soaked or treated with carbon dioxide to remove most of their caffeine before roasting.",
            "A ristretto is a shorter shot pulled with the same amount of coffee and about half the water.");

    static final String BICYCLE = String.join(" ",
            "Check the tyre pressure every week: road tyres want six to eight bars, mountain bike tyres much less.",
            "A chain should be cleaned and oiled every few hundred kilometres, more often after rain.",
            "Brake pads wear down; replace them when the grooves in the rubber are gone.",
            "If the gears skip, the cable has probably stretched and needs a quarter turn of the barrel adjuster.");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void eachPassageIsEmbeddedOnceAndOnlyChangedOnesAgain() {
        Api api = Api.newUser("passages");
        String notebook = api.createNotebook("Lighthouses");
        Api.awaitIndexingIdle();
        PrometheusText before = PrometheusText.scrape();

        Api.Response added = api.post("api/notebooks/" + notebook + "/sources",
                Json.createObjectBuilder().add("title", "Skerry Point").add("content", LIGHTHOUSE).build());
        assertEquals(201, added.status(), added.body());
        assertEquals("pending", added.json().getString("status"));
        String source = added.json().getString("id");
        api.awaitIndexed("api/sources/" + source);
        assertEquals(3, embeddedSince(before), "each of the three passages embedded once");
        assertEquals(List.of("ready"), api.get("api/notebooks/" + notebook + "/sources").array()
                .getValuesAs(JsonObject.class).stream().map(s -> s.getString("status")).toList());
        JsonArray passages = search(api, notebook, "When was the lighthouse first lit?", 50);
        assertEquals(List.of(1, 2, 3), passages.getValuesAs(JsonObject.class).stream().map(p -> p.getInt("passage")).sorted().toList());
        for (JsonObject passage : passages.getValuesAs(JsonObject.class)) {
            assertEquals(source, passage.getString("source_id"));
            assertEquals("Skerry Point", passage.getString("title"));
            assertTrue(LIGHTHOUSE.contains(passage.getString("text")), passage.getString("text"));
        }

        // The same text again: nothing to index, nothing embedded.
        Api.Response same = api.put("api/sources/" + source, Json.createObjectBuilder().add("content", LIGHTHOUSE).build());
        assertEquals(200, same.status(), same.body());
        assertEquals("ready", same.json().getString("status"));
        Api.awaitIndexingIdle();
        assertEquals(3, embeddedSince(before), "an unchanged text is not embedded again");

        // A new last sentence: only the third passage is new.
        String edited = LIGHTHOUSE.replace("twenty-two nautical miles", "twenty-four nautical miles");
        Api.Response changed = api.put("api/sources/" + source, Json.createObjectBuilder().add("content", edited).build());
        assertEquals(200, changed.status(), changed.body());
        assertEquals("pending", changed.json().getString("status"));
        api.awaitIndexed("api/sources/" + source);
        assertEquals(4, embeddedSince(before), "only the changed passage is embedded again");
        JsonObject range = search(api, notebook, "How far can ships see the light?", 50).getValuesAs(JsonObject.class).stream()
                .filter(p -> p.getInt("passage") == 3).findFirst().orElseThrow();
        assertTrue(range.getString("text").endsWith("with a range of twenty-four nautical miles in clear weather."), range.getString("text"));

        // Deleting the source takes its passages; a note's stay.
        String note = api.addNote(notebook, "Visiting", "The trust opens the tower to visitors on summer weekends.");
        api.awaitIndexed("api/notes/" + note);
        assertEquals(4, search(api, notebook, "visitors", 50).size());
        assertEquals(204, api.delete("api/sources/" + source).status());
        JsonArray left = search(api, notebook, "visitors", 50);
        assertEquals(1, left.size(), left.toString());
        assertEquals(note, left.getJsonObject(0).getString("note_id"));
        assertEquals("Visiting", left.getJsonObject(0).getString("title"));
        assertEquals(1, left.getJsonObject(0).getInt("passage"));
        assertEquals(5, embeddedSince(before), "the note's one passage; deleting embeds nothing");
    }

    @Test
    void notesAreIndexedAndRetitledWithoutEmbeddingAgain() {
        Api api = Api.newUser("passages");
        String notebook = api.createNotebook("Coffee");
        Api.awaitIndexingIdle();
        PrometheusText before = PrometheusText.scrape();

        Api.Response added = api.post("api/notebooks/" + notebook + "/notes",
                Json.createObjectBuilder().add("title", "Espresso").add("content", ESPRESSO).build());
        assertEquals(201, added.status(), added.body());
        assertEquals("pending", added.json().getString("status"));
        String note = added.json().getString("id");
        api.awaitIndexed("api/notes/" + note);
        assertEquals(2, search(api, notebook, "espresso", 50).size());
        assertEquals(2, embeddedSince(before));

        Api.Response retitled = api.put("api/notes/" + note, Json.createObjectBuilder().add("title", "Espresso basics").build());
        assertEquals("ready", retitled.json().getString("status"));
        assertEquals("Espresso basics", search(api, notebook, "espresso", 5).getJsonObject(0).getString("title"));
        Api.awaitIndexingIdle();
        assertEquals(2, embeddedSince(before), "a new title is not a new text");
        assertEquals(List.of("ready"), api.get("api/notebooks/" + notebook + "/notes").array()
                .getValuesAs(JsonObject.class).stream().map(s -> s.getString("status")).toList());
    }

    /** The ranking H2 and PostgreSQL must agree on: vectors stored and read back bit for bit, searched in the server. */
    @Test
    void aFixedNotebookGivesTheSameTopPassagesOnEveryDatabase() {
        Api api = Api.newUser("passages");
        String notebook = api.createNotebook("Mixed");
        String lighthouse = api.addSource(notebook, "Skerry Point", LIGHTHOUSE);
        String espresso = api.addSource(notebook, "Espresso", ESPRESSO);
        String bicycle = api.addNote(notebook, "Bicycle care", BICYCLE);
        api.awaitIndexed("api/sources/" + lighthouse);
        api.awaitIndexed("api/sources/" + espresso);
        api.awaitIndexed("api/notes/" + bicycle);

        JsonArray top = search(api, notebook, "How long does a shot of espresso take to extract?", 5);

        assertEquals(List.of("Espresso 1", "Espresso 2", "Skerry Point 1", "Skerry Point 2", "Skerry Point 3"),
                top.getValuesAs(JsonObject.class).stream().map(p -> p.getString("title") + " " + p.getInt("passage")).toList(),
                top.toString());
        double previous = Double.MAX_VALUE;
        for (JsonObject passage : top.getValuesAs(JsonObject.class)) {
            double score = passage.getJsonNumber("score").doubleValue();
            assertTrue(score <= previous, "best first: " + top);
            previous = score;
        }
    }

    @Test
    void searchAnswersOnlyTheOwnerAndChecksItsParameters() {
        Api owner = Api.newUser("passages");
        String notebook = owner.createNotebook("Private");
        String path = "api/notebooks/" + notebook + "/passages";

        assertEquals(200, owner.get(path + "?q=anything").status());
        assertEquals("[]", owner.get(path + "?q=anything").body());
        assertEquals(404, Api.newUser("stranger").get(path + "?q=anything").status());
        assertEquals(401, Api.anonymous().get(path + "?q=anything").status());
        assertEquals(404, owner.get("api/notebooks/no-such-notebook/passages?q=anything").status());
        for (String query : List.of("", "?q=", "?q=%20", "?q=x&limit=0", "?q=x&limit=51", "?q=x&limit=five")) {
            Api.Response refused = owner.get(path + query);
            assertEquals(400, refused.status(), query + ": " + refused.body());
            assertEquals("bad_request", refused.json().getString("error"), query);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static JsonArray search(Api api, String notebook, String question, int limit) {
        Api.Response found = api.get("api/notebooks/" + notebook + "/passages?q="
                + URLEncoder.encode(question, StandardCharsets.UTF_8) + "&limit=" + limit);
        assertEquals(200, found.status(), found.body());
        return found.array();
    }


    static long embeddedSince(PrometheusText before) {
        return Math.round(PrometheusText.scrape().value(EMBEDDED, Map.of()) - before.value(EMBEDDED, Map.of()));
    }
}
