package dev.notebookchat.web;

import dev.notebookchat.it.Api;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.UUID;

/**
 * The bundled page in one tab, driven the way a user drives it: each step waits until the page shows
 * its result, so a test reads as the user's steps.
 */
final class NotebookPage {

    final WebDriver driver;
    final WebDriverWait wait;

    private NotebookPage(WebDriver driver, Duration patience) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, patience);
    }

    /**
     * The page signed out, in a new tab: the page keeps its token in the tab's sessionStorage, so a
     * new tab is a new visitor.
     */
    static NotebookPage signedOutInANewTab(WebDriver driver, Duration patience) {
        NotebookPage page = new NotebookPage(driver, patience);
        String previous = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String fresh = driver.getWindowHandle();
        driver.switchTo().window(previous).close();
        driver.switchTo().window(fresh);
        driver.get(Api.base().toString());
        page.wait.until(ExpectedConditions.visibilityOfElementLocated(testId("login-username")));
        return page;
    }

    /** The page's console, so a failure says what the page complained about. */
    void printConsole() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            System.out.println("[chromium console] " + entry.getLevel() + " " + entry.getMessage());
        }
    }

    /** Signs in with dev login as a new user named after {@code name}; answers the user name. */
    String signIn(String name) {
        String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        type(testId("login-username"), username);
        driver.findElement(testId("login-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("user-name"), username));
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("notebook-name")));
        return username;
    }

    void createNotebook(String name) {
        type(testId("notebook-name"), name);
        driver.findElement(testId("notebook-create")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=notebook-item].is-selected .item-main"), name));
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("source-title")));
    }

    /** Adds a source typed key by key. */
    void addSource(String title, String content) {
        addSource(title, () -> type(testId("source-content"), content));
    }

    /** Adds a source whose long text goes in as the page's own file reader puts it: typing it would take long. */
    void pasteSource(String title, String content) {
        addSource(title, () -> js("const field = arguments[0]; field.value = arguments[1];"
                        + "field.dispatchEvent(new Event('input', {bubbles: true}));",
                driver.findElement(testId("source-content")), content));
    }

    private void addSource(String title, Runnable fillContent) {
        int before = driver.findElements(testId("source-item")).size();
        type(testId("source-title"), title);
        fillContent.run();
        driver.findElement(testId("source-add")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(testId("source-item"), before + 1));
    }

    void startNewChat() {
        driver.findElement(testId("session-create")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=session-item].is-selected")));
        wait.until(ExpectedConditions.elementToBeClickable(testId("message-input")));
    }

    void type(By field, String text) {
        WebElement element = wait.until(ExpectedConditions.elementToBeClickable(field));
        element.clear();
        element.sendKeys(text);
    }

    // --- reading the page -------------------------------------------------------------------------

    static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The bearer token the page signed in with, so the API can be asked as the same user. */
    String token() {
        return (String) js("return sessionStorage.getItem('notebookchat.token')");
    }

    String currentSessionId() {
        return driver.findElement(By.cssSelector("[data-testid=session-item].is-selected")).getAttribute("data-id");
    }
}
