package dev.notebookchat.web;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.notebookchat.web.NotebookPage.testId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Citations in a real headless Chromium: a source is indexed (its badge turns to Ready without a
 * reload), an answer lists the passages it draws on, and a citation opens its source with exactly that
 * passage marked and scrolled into view; the list is still there when the chat is opened again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CitationsBrowserIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    /** The first indexing in a fresh server loads the embedding model as well. */
    static final Duration INDEXING = Duration.ofSeconds(90);

    static final String TITLE = "Coffee handbook";
    static final String ANSWER = "A good espresso takes about 25 seconds to extract at nine bars of pressure.";
    /** Long enough for several passages and for the viewer to scroll: the cited one is near the end. */
    static final String HANDBOOK = String.join("\n\n",
            "Coffee grows on shrubs in a belt around the equator. The cherries ripen over several months and "
                    + "are picked by hand on steep farms. Each cherry holds two seeds, which the trade calls beans. "
                    + "Highland farms give slower ripening and denser seeds.",
            "After picking, the fruit is removed. Washed processing strips the pulp and ferments the seeds in "
                    + "tanks; natural processing dries whole cherries on raised beds for weeks. The method shapes the "
                    + "cup as much as the variety does.",
            "Green coffee keeps for a year in a cool, dry store. Importers cup every lot before they buy it, "
                    + "scoring sweetness, acidity, body and defects on a common form.",
            "Roasting turns the green seed brown through the Maillard reaction and caramelisation. First crack "
                    + "comes at about 196 degrees Celsius; light roasts stop soon after it, dark roasts run on to second "
                    + "crack, where oils rise to the surface.",
            "Roasted beans give off carbon dioxide for days. Most roasters rest them for a week before sale, in "
                    + "bags with a one-way valve that lets the gas out and keeps the air away.",
            "Grind size sets how fast water flows through the bed. Filter brewing wants a grind like coarse sand; "
                    + "a cafetiere wants it coarser still, so that the mesh holds the grounds back.",
            "Water makes up almost all of the cup. Soft water tastes flat, very hard water scales machines, and "
                    + "chlorine spoils everything; many cafes filter and then remineralise their water.",
            "Espresso is brewed by forcing hot water through a compact puck of finely ground coffee. " + ANSWER
                    + " A shot that runs much faster tastes sour, one that runs much slower tastes bitter.",
            "Milk for a cappuccino is steamed to about sixty degrees, when it is sweetest. Hotter milk loses its "
                    + "foam and starts to taste cooked.",
            "Cold brew steeps coarse grounds in cold water for twelve to twenty-four hours. It is low in acidity "
                    + "and keeps in the refrigerator for about a week.",
            "Decaffeination soaks green beans in water, solvent or carbon dioxide before roasting. The Swiss Water "
                    + "method uses water and charcoal filters alone.");
    static final String QUESTION = "How long should a good espresso take to extract?";

    static Chromium chromium;
    static WebDriver driver;

    NotebookPage page;
    WebDriverWait wait;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @BeforeAll
    static void startChromium() throws IOException {
        chromium = Chromium.start();
        driver = chromium.driver();
    }

    @AfterAll
    static void quitChromium() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @BeforeEach
    void signedOutInANewTab() {
        page = NotebookPage.signedOutInANewTab(driver, WAIT);
        wait = page.wait;
    }

    @AfterEach
    void printConsole() {
        page.printConsole();
    }

    @Test
    void anAnswersCitationOpensItsSourceWithThePassageMarked() {
        page.signIn("cora");
        page.createNotebook("Coffee");
        page.pasteSource(TITLE, HANDBOOK);

        // The new source is indexed in the background; its badge follows without a reload.
        WebElement badge = driver.findElement(testId("source-status"));
        List<String> statuses = new ArrayList<>(List.of(badge.getAttribute("data-status")));
        new WebDriverWait(driver, INDEXING).pollingEvery(Duration.ofMillis(200))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            String status = d.findElement(testId("source-status")).getAttribute("data-status");
            if (!status.equals(statuses.get(statuses.size() - 1))) {
                statuses.add(status);
            }
            return status.equals("ready") || status.equals("failed");
        });
        assertEquals("ready", statuses.get(statuses.size() - 1), "statuses seen: " + statuses);
        assertTrue(List.of("pending", "indexing", "ready").containsAll(statuses), "statuses seen: " + statuses);
        assertEquals("Ready", driver.findElement(testId("source-status")).getText());
        Api api = Api.withToken(page.token());
        String notebookId = driver.findElement(By.cssSelector("[data-testid=notebook-item].is-selected")).getAttribute("data-id");
        JsonObject listed = api.get("api/notebooks/" + notebookId + "/sources").array().getJsonObject(0);
        assertEquals("ready", listed.getString("status"));
        String sourceId = listed.getString("id");

        page.startNewChat();
        // Read in one script: the picker's options are rebuilt while the page loads them.
        wait.until(d -> Boolean.TRUE.equals(page.js("return [...document.querySelector('[data-testid=model-picker]').options]"
                + ".some(option => option.value === 'local/extractive')")));
        new Select(driver.findElement(testId("model-picker"))).selectByValue("local/extractive");
        page.type(testId("message-input"), QUESTION);
        driver.findElement(testId("send")).click();
        WebElement answer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=complete]")));
        assertTrue(answer.getText().contains(ANSWER), "the whole sentence is quoted: " + answer.getText());

        // What the server saved is what the page lists, in order.
        JsonObject saved = api.get("api/chat/sessions/" + page.currentSessionId()).json().getJsonArray("messages").getJsonObject(1);
        assertEquals("local/extractive", saved.getString("model"));
        JsonArray citations = saved.getJsonArray("citations");
        assertFalse(citations.isEmpty(), "the answer cites a passage: " + saved);
        JsonObject best = citations.getJsonObject(0);
        assertEquals(sourceId, best.getString("source_id"));
        assertEquals(TITLE, best.getString("title"));
        String passage = best.getString("text");
        assertTrue(passage.contains(ANSWER), "the best passage holds the quoted sentence: " + passage);
        assertTrue(HANDBOOK.contains(passage), "a passage is an exact part of its source: " + passage);
        assertEquals(expectedLabels(citations), citationLabels());

        List<WebElement> links = driver.findElements(By.cssSelector("#conversation [data-testid=citation]"));
        links.get(0).click();

        WebElement mark = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("viewer-passage")));
        assertEquals(TITLE, driver.findElement(By.id("viewer-title")).getText());
        assertEquals(passage, page.js("return arguments[0].textContent", mark), "exactly the cited passage is marked");
        assertEquals("mark", mark.getTagName());
        assertEquals(1L, page.js("return document.querySelectorAll('#viewer-content mark').length"));
        assertEquals(HANDBOOK, page.js("return document.getElementById('viewer-content').textContent"),
                "the source's whole text is shown around the mark");
        assertTrue((Boolean) page.js("const box = document.getElementById('viewer-content');"
                        + "return box.scrollHeight > box.clientHeight && box.scrollTop > 0;"),
                "the source is longer than its box and was scrolled to the passage");
        assertTrue((Boolean) page.js("const box = document.getElementById('viewer-content').getBoundingClientRect();"
                        + "const mark = arguments[0].getBoundingClientRect();"
                        + "return mark.top >= box.top - 1 && mark.top < box.bottom;", mark),
                "the marked passage starts inside the visible part of the box");
        driver.findElement(testId("viewer-close")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(testId("viewer-content")));

        // Opened again, the chat shows the saved answer with the same citations.
        driver.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=complete]")));
        assertEquals(expectedLabels(citations), citationLabels());
    }

    /** "[1] Title, passage 3" for each saved citation, best first. */
    static List<String> expectedLabels(JsonArray citations) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < citations.size(); i++) {
            JsonObject citation = citations.getJsonObject(i);
            labels.add("[" + (i + 1) + "] " + citation.getString("title") + ", passage " + citation.getInt("passage"));
        }
        return labels;
    }

    static List<String> citationLabels() {
        return driver.findElements(By.cssSelector("#conversation [data-testid=citations] [data-testid=citation]"))
                .stream().map(WebElement::getText).toList();
    }

    // --- what a user does --------------------------------------------------------------------------
}
