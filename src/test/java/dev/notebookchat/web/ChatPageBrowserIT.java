package dev.notebookchat.web;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.FakeProviders;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.notebookchat.web.NotebookPage.testId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled page in a real headless Chromium against the running server: signing in, filling a
 * notebook, watching an answer stream in, seeing a refusal, and hostile text staying text.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatPageBrowserIT {

    static final Duration WAIT = Duration.ofSeconds(15);

    static final String BREWING = "Espresso is brewed by forcing hot water through finely ground coffee. "
            + "A good espresso takes about 25 seconds to extract. "
            + "Cold brew steeps coarse grounds in cold water for 12 to 24 hours.";
    static final String QUESTION = "How long does espresso take?";
    /** What local/extractive answers, as Markdown: a lead paragraph and a one-item list. */
    static final String STORED_ANSWER = "Here is what I found in this notebook:\n\n"
            + "- \"A good espresso takes about 25 seconds to extract.\" (Brewing guide)";
    /** The same answer as the page shows it: the list's bullet is drawn, not text. */
    static final String RENDERED_ANSWER = "Here is what I found in this notebook:\n"
            + "\"A good espresso takes about 25 seconds to extract.\" (Brewing guide)";

    static final String HOSTILE_TITLE = "Zebra <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> "
            + "[click](javascript:window.__pwned=3) **bold**";
    static final String HOSTILE_CONTENT = "Zebras hide <img src=x onerror=\"window.__pwned=1\"> and "
            + "<script>window.__pwned=2</script> behind [click](javascript:window.__pwned=3) and **bold** stripes.";

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
    void answerGrowsWhileStreamingAndEndsAsTheServerStoredIt() {
        page.signIn("ada");
        page.createNotebook("Coffee");
        page.addSource("Brewing guide", BREWING);
        page.startNewChat();

        page.type(testId("message-input"), QUESTION);
        // Every text the streaming bubble shows, recorded in the page as it changes: reading it from here,
        // one WebDriver round trip at a time, misses steps of a short answer when the machine is busy.
        page.js("window.answerSteps = [];"
                + "new MutationObserver(() => {"
                + "  const bubble = document.querySelector('[data-testid=ai-streaming]');"
                + "  const text = bubble ? bubble.innerText : '';"
                + "  const steps = window.answerSteps;"
                + "  if (text !== '' && (steps.length === 0 || steps[steps.length - 1] !== text)) steps.push(text);"
                + "}).observe(document.getElementById('conversation'), {childList: true, subtree: true, characterData: true});");
        driver.findElement(testId("send")).click();

        wait.until(d -> !d.findElements(By.cssSelector("[data-testid=message][data-type=ai][data-status=complete]")).isEmpty());
        List<String> seen = ((List<?>) page.js("return window.answerSteps")).stream().map(String.class::cast).toList();

        assertTrue(seen.size() >= 3, "the answer grew in at least three visible steps: " + seen);
        String finished = (String) page.js("return document.querySelector("
                + "'[data-testid=message][data-type=ai][data-status=complete]').innerText");
        for (int i = 0; i < seen.size(); i++) {
            String step = seen.get(i);
            String next = i + 1 < seen.size() ? seen.get(i + 1) : finished;
            assertTrue(next.startsWith(step), "step " + i + " " + quoted(step) + " is a prefix of " + quoted(next));
        }
        assertEquals(0, driver.findElements(testId("ai-streaming")).size(), "the streaming bubble is gone");

        JsonObject session = Api.withToken(page.token()).get("api/chat/sessions/" + page.currentSessionId()).json();
        JsonArray messages = session.getJsonArray("messages");
        assertEquals(2, messages.size());
        assertEquals(QUESTION, messages.getJsonObject(0).getString("content"));
        String stored = messages.getJsonObject(1).getString("content");
        assertEquals(STORED_ANSWER, stored);
        assertEquals("complete", messages.getJsonObject(1).getString("status"));

        List<WebElement> shown = driver.findElements(By.cssSelector("#conversation [data-testid=message]"));
        assertEquals(2, shown.size());
        assertEquals("human", shown.get(0).getAttribute("data-type"));
        assertEquals(QUESTION, shown.get(0).getText());
        String rendered = shown.get(1).getText();
        assertEquals(RENDERED_ANSWER, rendered);
        assertEquals(stored.replace("\n\n- ", "\n"), rendered, "the stored Markdown, rendered as a paragraph and a list");
        assertEquals(List.of("Here is what I found in this notebook:"), texts(shown.get(1), "p"));
        assertEquals(List.of("\"A good espresso takes about 25 seconds to extract.\" (Brewing guide)"),
                texts(shown.get(1), "ul > li"));

        screenshot("chat.png");
    }

    @Test
    void refusedTurnShowsTheServersMessageAndKeepsWhatTheUserWrote() {
        page.signIn("bob");
        Api api = Api.withToken(page.token());
        String notebook = api.createNotebook("Coffee");
        api.addSource(notebook, "Brewing guide", BREWING);
        String session = api.createSession(notebook);
        assertEquals(200, api.put("api/chat/sessions/" + session,
                Json.createObjectBuilder().add("model_override", "openrouter/openai/gpt-4o-mini").build()).status());
        // What the server answers this turn; refused turns change nothing, so asking it first is harmless.
        Api.Response refusal = api.post("api/chat/execute/stream", Json.createObjectBuilder()
                .add("session_id", session).add("message", QUESTION).build());
        assertEquals(400, refusal.status(), refusal.body());
        String serverMessage = refusal.json().getString("message");
        assertTrue(serverMessage.contains("'openrouter'"), serverMessage);

        driver.navigate().refresh();
        // read in one script: the picker's options are rebuilt while the page loads
        wait.until(d -> "openrouter/openai/gpt-4o-mini".equals(page.js("return document.querySelector('[data-testid=model-picker]').value")));
        wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));
        page.type(testId("message-input"), QUESTION);
        driver.findElement(testId("send")).click();

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=error-message]")));
        assertEquals("The answer could not be completed. " + serverMessage, error.getText());
        WebElement toast = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("toast")));
        assertEquals("error", toast.getAttribute("data-kind"));
        assertEquals(serverMessage, toast.findElement(By.className("toast-text")).getText());

        List<WebElement> shown = driver.findElements(By.cssSelector("#conversation [data-testid=message]"));
        assertEquals(1, shown.size(), "only the user's message, no answer");
        assertEquals("human", shown.get(0).getAttribute("data-type"));
        assertEquals(QUESTION, shown.get(0).getText());
        assertEquals("error", shown.get(0).getAttribute("data-status"));
        assertEquals(QUESTION, driver.findElement(testId("message-input")).getAttribute("value"),
                "the message is back in the box, ready to send again");
        assertEquals(0, api.get("api/chat/sessions/" + session).json().getJsonArray("messages").size());
    }

    @Test
    void stopEndsAnAnswerThatStalledAndKeepsWhatHadArrived() {
        try (FakeProviderServer fake = FakeProviders.start()) {
            page.signIn("sam");
            Api api = Api.withToken(page.token());
            String notebook = api.createNotebook("Tea");
            api.addSource(notebook, "Tea notes", "Green tea steeps for two minutes.");
            String session = api.createSession(notebook);
            String model = "openai/stall-mid/" + UUID.randomUUID();
            assertEquals(200, api.put("api/chat/sessions/" + session,
                    Json.createObjectBuilder().add("model_override", model).build()).status());
            driver.navigate().refresh();
            wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));

            page.type(testId("message-input"), QUESTION);
            driver.findElement(testId("send")).click();
            // The provider sends three tokens, then falls silent. Should the turn end instead, say how.
            wait.withMessage(() -> "the conversation shows: " + driver.findElement(By.id("conversation")).getText())
                    .until(ExpectedConditions.textToBePresentInElementLocated(testId("ai-streaming"), "The notebook says"));
            WebElement stop = wait.until(ExpectedConditions.elementToBeClickable(testId("stop")));
            stop.click();

            WebElement answer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=stopped]")));
            assertEquals("The notebook says", answer.getText());
            JsonObject saved = api.get("api/chat/sessions/" + session).json().getJsonArray("messages").getJsonObject(1);
            assertEquals("stopped", saved.getString("status"));
            assertEquals("The notebook says", saved.getString("content"));
            assertTrue(fake.requestsFor(model.substring("openai/".length())).get(0).awaitClientClosed(Duration.ofSeconds(5)),
                    "the provider connection was closed");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(testId("stop")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void hostileMarkdownAndHtmlStayText() {
        page.signIn("mallory");
        page.createNotebook("Zoo");
        page.addSource(HOSTILE_TITLE, HOSTILE_CONTENT);
        page.startNewChat();

        page.type(testId("message-input"), "Where do zebras hide?");
        driver.findElement(testId("send")).click();
        WebElement answer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=complete]")));

        String stored = Api.withToken(page.token()).get("api/chat/sessions/" + page.currentSessionId()).json()
                .getJsonArray("messages").getJsonObject(1).getString("content");
        assertEquals("Here is what I found in this notebook:\n\n- \"" + HOSTILE_CONTENT + "\" (" + HOSTILE_TITLE + ")", stored);
        assertEquals("Here is what I found in this notebook:\n"
                + "\"Zebras hide <img src=x onerror=\"window.__pwned=1\"> and <script>window.__pwned=2</script> "
                + "behind click and bold stripes.\" "
                + "(Zebra <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> click bold)",
                answer.getText());
        assertEquals(List.of("bold", "bold"), texts(answer, "strong"), "Markdown emphasis still renders");

        WebElement source = driver.findElement(By.cssSelector("[data-testid=source-item] .item-main"));
        assertEquals(HOSTILE_TITLE, source.getText());
        source.click();
        WebElement viewer = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("viewer-content")));
        assertEquals(HOSTILE_CONTENT, viewer.getText());
        assertEquals(HOSTILE_TITLE, driver.findElement(By.id("viewer-title")).getText());
        driver.findElement(testId("viewer-close")).click();

        assertEquals("undefined", page.js("return typeof window.__pwned"));
        assertEquals(0L, page.js("return document.images.length"), "no img element anywhere on the page");
        for (String place : List.of("#conversation", "#source-list", "#viewer")) {
            assertEquals(0L, page.js("return document.querySelectorAll(arguments[0]).length", place + " img, " + place + " script"),
                    "no img or script element in " + place);
            @SuppressWarnings("unchecked")
            List<String> hrefs = (List<String>) page.js("return [...document.querySelectorAll(arguments[0])]"
                    + ".map(a => a.getAttribute('href') || '')", place + " a");
            assertTrue(hrefs.stream().noneMatch(href -> href.strip().toLowerCase().startsWith("javascript:")), place + ": " + hrefs);
        }
        assertTrue(answer.getText().contains("<img src=x onerror="), "the markup shows as text in the answer");
        assertTrue(source.getText().contains("<img src=x onerror="), "the markup shows as text in the source list");
    }

    @Test
    void enterSendsShiftEnterAddsALineAndFocusStaysInTheMessageBox() {
        page.signIn("kim");
        Api api = Api.withToken(page.token());
        api.addSource(api.createNotebook("Coffee"), "Brewing guide", BREWING);
        driver.navigate().refresh();
        WebElement input = wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));

        input.click();
        input.sendKeys(QUESTION, Keys.chord(Keys.SHIFT, Keys.ENTER), "Answer briefly.");
        assertEquals(QUESTION + "\nAnswer briefly.", input.getAttribute("value"));
        assertEquals(0, driver.findElements(By.cssSelector("#conversation [data-testid=message]")).size(),
                "Shift+Enter did not send");

        input.sendKeys(Keys.ENTER);
        WebElement mine = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=message][data-type=human]")));
        assertEquals(QUESTION + "\nAnswer briefly.", mine.getText());
        assertEquals("", input.getAttribute("value"));
        assertEquals(input, driver.switchTo().activeElement(), "focus stays in the message box while the answer streams");

        WebElement answer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=complete]")));
        assertEquals(RENDERED_ANSWER, answer.getText());
        assertEquals(input, driver.switchTo().activeElement(), "focus is in the message box once the answer is done");
        assertEquals(1, driver.findElements(testId("session-item")).size(), "the first message started a chat");
    }

    @Test
    void notebooksAndChatsAreRenamedInPlaceAndEscapeKeepsTheOldName() {
        page.signIn("lee");
        page.createNotebook("Coffee");
        page.startNewChat();
        Api api = Api.withToken(page.token());

        driver.findElement(testId("notebook-rename")).click();
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(testId("rename-input")));
        assertEquals(field, driver.switchTo().activeElement(), "the rename field has the focus");
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Tea", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("notebook-item"), "Tea"));
        assertEquals("Tea", api.get("api/notebooks").array().getJsonObject(0).getString("name"));

        driver.findElement(testId("session-rename")).click();
        field = wait.until(ExpectedConditions.elementToBeClickable(testId("rename-input")));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Steeping times", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("session-item"), "Steeping times"));
        assertEquals("Steeping times", api.get("api/chat/sessions/" + page.currentSessionId()).json().getString("title"));

        driver.findElement(testId("notebook-rename")).click();
        field = wait.until(ExpectedConditions.elementToBeClickable(testId("rename-input")));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Not this", Keys.ESCAPE);
        wait.until(ExpectedConditions.numberOfElementsToBe(testId("rename-input"), 0));
        assertEquals("Tea", api.get("api/notebooks").array().getJsonObject(0).getString("name"));
        assertTrue(driver.findElement(testId("notebook-item")).getText().contains("Tea"));
    }

    // --- what a user does --------------------------------------------------------------------------

    /** Signs in with the dev login as a fresh user and waits for the app; answers the username. */
    static List<String> texts(WebElement within, String selector) {
        return within.findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList();
    }

    static String quoted(String text) {
        return '"' + text.replace("\n", "\\n") + '"';
    }

    static void screenshot(String name) {
        Path folder = Path.of(System.getProperty("it.build.directory", "target"), "screenshots");
        try {
            Files.createDirectories(folder);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
