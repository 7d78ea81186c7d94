package dev.notebookchat.web;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.FakeProviders;
import dev.notebookchat.it.Keycloak;
import dev.notebookchat.provider.fake.FakeProviderServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page signing in at the tests' Keycloak, the way a user of an organisation does: its button, Keycloak's
 * own login form, back with a code that the page trades for tokens (PKCE), an answer streamed with them, an
 * answer that outlasts its access token while the page refreshes it (the page client's tokens live 6 seconds),
 * and signing out at Keycloak so the next sign-in asks for the password again.
 */
@Tag("identity-provider")
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SignInBrowserIT {

    static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * The paced answer's tokens, half a second apart: 11 seconds, longer than a token of the page's
     * client lives (6 seconds, src/test/resources/keycloak/notebookchat-realm.json) plus the server's
     * clock skew (3 seconds, the it-identity-provider execution).
     */
    static final int PACED_TOKENS = 23;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @BeforeAll
    static void startChromium() throws IOException {
        ChatPageBrowserIT.startChromium();
    }

    @AfterAll
    static void quitChromium() throws IOException {
        ChatPageBrowserIT.quitChromium();
    }

    @AfterEach
    void printConsole() {
        for (LogEntry entry : driver().manage().logs().get(LogType.BROWSER)) {
            System.out.println("[chromium console] " + entry.getLevel() + " " + entry.getMessage());
        }
    }

    static WebDriver driver() {
        return ChatPageBrowserIT.driver;
    }

    @Test
    void signInAtKeycloakStreamAChatKeepTheSessionFreshAndSignOut() {
        WebDriver driver = driver();
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        String login = Keycloak.issuer(Keycloak.REALM) + "/protocol/openid-connect/auth";
        driver.get(Api.base().toString());

        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("oidc-signin")));
        assertFalse(driver.findElement(testId("login-username")).isDisplayed(), "no dev login on this server");
        driver.findElement(testId("oidc-signin")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertTrue(driver.getCurrentUrl().startsWith(login), driver.getCurrentUrl());
        assertTrue(driver.getCurrentUrl().contains("code_challenge_method=S256"), driver.getCurrentUrl());
        driver.findElement(By.id("username")).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("alice-password");
        driver.findElement(By.id("kc-login")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertEquals(Api.base().toString(), driver.getCurrentUrl(), "the code is gone from the address");
        assertEquals("alice", driver.findElement(By.id("user-name")).getText(), "preferred_username");
        String firstToken = token(driver);
        assertEquals(KeycloakSubjects.ALICE, Keycloak.json(payload(firstToken)).getString("sub"));

        // an answer streamed with Keycloak's token
        String notebook = "Keycloak coffee " + System.nanoTime();
        type(driver, testId("notebook-name"), notebook);
        driver.findElement(testId("notebook-create")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notebook-list"), notebook));
        type(driver, testId("source-title"), "Brewing guide");
        type(driver, testId("source-content"), ChatPageBrowserIT.BREWING);
        driver.findElement(testId("source-add")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("source-list"), "Brewing guide"));
        wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));
        type(driver, testId("message-input"), ChatPageBrowserIT.QUESTION);
        driver.findElement(testId("send")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=message][data-type=ai][data-status=complete]")));
        assertEquals(ChatPageBrowserIT.RENDERED_ANSWER, driver.findElement(
                By.cssSelector("[data-testid=message][data-type=ai][data-status=complete]")).getText());

        // an answer that outlasts the token it was asked with, while the page refreshes its 6-second token
        Api page = Api.withToken(token(driver));
        String notebookId = page.get("api/notebooks").array().getValuesAs(JsonObject.class).stream()
                .filter(n -> n.getString("name").equals(notebook)).findFirst().orElseThrow().getString("id");
        String session = page.get("api/chat/sessions?notebook_id=" + notebookId).array().getJsonObject(0).getString("id");
        String model = "openai/paced-" + PACED_TOKENS + "-500/" + UUID.randomUUID();
        assertEquals(200, page.put("api/chat/sessions/" + session, Json.createObjectBuilder().add("model_override", model).build()).status());
        String answer;
        String askedWith;
        try (FakeProviderServer fake = FakeProviders.start()) {
            driver.navigate().refresh();
            // read in one script: the picker's options are rebuilt while the page loads
            wait.until(d -> model.equals(((JavascriptExecutor) d).executeScript(
                    "return document.querySelector('[data-testid=model-picker]').value")));
            wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));
            type(driver, testId("message-input"), "Count for me.");
            askedWith = token(driver);
            driver.findElement(testId("send")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("ai-streaming"), FakeProviderServer.PACED_WORD));
            answer = secondCompleteAnswer(driver, Duration.ofSeconds(60));
            assertEquals(1, fake.requestsFor(model.substring("openai/".length())).size(), "one provider request, never cut short");
        }
        String stored = Api.withToken(token(driver)).get("api/chat/sessions/" + session).json()
                .getJsonArray("messages").getJsonObject(3).getString("content");
        assertTrue(stored.matches("( " + FakeProviderServer.PACED_WORD + "\\d+){" + PACED_TOKENS + "}"), stored);
        assertEquals(stored.strip(), answer, "every token, in order, on the page");
        assertEquals(401, Api.withToken(askedWith).get("api/notebooks").status(), "the answer outlasted the token it was asked with");
        assertNotEquals(askedWith, token(driver), "the page refreshed its token meanwhile");
        assertEquals(KeycloakSubjects.ALICE, Keycloak.json(payload(token(driver))).getString("sub"));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notebook-list"), notebook));
        assertEquals(answer, secondCompleteAnswer(driver, WAIT), "the page carries on with the new token");
        assertEquals("alice", driver.findElement(By.id("user-name")).getText());

        // signing out ends the session at Keycloak too; the page it comes back to is a new document
        ((JavascriptExecutor) driver).executeScript("window.beforeSignOut = true");
        driver.findElement(testId("sign-out")).click();
        new WebDriverWait(driver, WAIT).ignoring(WebDriverException.class).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return window.beforeSignOut === undefined && document.readyState === 'complete' && location.href.startsWith(arguments[0])",
                Api.base().toString())));
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("oidc-signin")));
        assertTrue(driver.getCurrentUrl().startsWith(Api.base().toString()), driver.getCurrentUrl());
        assertNull(token(driver));
        driver.findElement(testId("oidc-signin")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertTrue(driver.getCurrentUrl().startsWith(login), "Keycloak asks again: " + driver.getCurrentUrl());
    }

    /** The text of the conversation's second finished answer, once there is one; the page may re-render it meanwhile. */
    static String secondCompleteAnswer(WebDriver driver, Duration deadline) {
        By answers = By.cssSelector("#conversation [data-testid=message][data-type=ai][data-status=complete]");
        return new WebDriverWait(driver, deadline).ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> shown = d.findElements(answers);
            return shown.size() == 2 ? shown.get(1).getText() : null;
        });
    }

    /** The access token the page's API calls send. */
    static String token(WebDriver driver) {
        return (String) ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('notebookchat.token')");
    }

    static String payload(String jwt) {
        return new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void type(WebDriver driver, By field, String text) {
        var element = driver.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    static By testId(String id) {
        return By.cssSelector("[data-testid=\"" + id + "\"]");
    }

    /** The subjects of the realm's users (src/test/resources/keycloak/notebookchat-realm.json). */
    static final class KeycloakSubjects {
        static final String ALICE = "5a1e0c57-0a11-4ce0-9a6b-a11ce0000001";

        private KeycloakSubjects() {
        }
    }
}
