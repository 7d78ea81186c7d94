package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.KnownProvider;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.RecordingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapters against the real providers, each run only when its key is in the environment (never in
 * CI, which has no network): the fake proves the behaviour, these prove the fake still matches.
 */
class LiveProvidersTest {

    static ExecutorService executor;
    static ScheduledExecutorService scheduler;
    static HttpTransport transport;

    @BeforeAll
    static void start() {
        executor = Executors.newFixedThreadPool(2);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        transport = HttpTransport.create(1, executor, scheduler, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void openAi() throws Exception {
        live("OPENAI_API_KEY", "OpenAI", OpenAiCompatible.forProvider("openai", transport, ProviderSettings.DEFAULTS),
                KnownProvider.OPENAI, "gpt-4o-mini");
    }

    @Test
    void anthropic() throws Exception {
        live("ANTHROPIC_API_KEY", "Anthropic", new Anthropic(transport, ProviderSettings.DEFAULTS, 256),
                KnownProvider.ANTHROPIC, "claude-haiku-4-5");
    }

    @Test
    void groq() throws Exception {
        live("GROQ_API_KEY", "Groq", OpenAiCompatible.forProvider("groq", transport, ProviderSettings.DEFAULTS),
                KnownProvider.GROQ, "llama-3.3-70b-versatile");
    }

    @Test
    void gemini() throws Exception {
        live("GEMINI_API_KEY", "Gemini", new Gemini(transport, ProviderSettings.DEFAULTS),
                KnownProvider.GOOGLE, "gemini-2.5-flash");
    }

    @Test
    void mistral() throws Exception {
        live("MISTRAL_API_KEY", "Mistral", OpenAiCompatible.forProvider("mistral", transport, ProviderSettings.DEFAULTS),
                KnownProvider.MISTRAL, "mistral-small-latest");
    }

    @Test
    void deepSeek() throws Exception {
        live("DEEPSEEK_API_KEY", "DeepSeek", OpenAiCompatible.forProvider("deepseek", transport, ProviderSettings.DEFAULTS),
                KnownProvider.DEEPSEEK, "deepseek-chat");
    }

    @Test
    void openRouter() throws Exception {
        live("OPENROUTER_API_KEY", "OpenRouter", OpenAiCompatible.forProvider("openrouter", transport, ProviderSettings.DEFAULTS),
                KnownProvider.OPENROUTER, "openai/gpt-4o-mini");
    }

    @Test
    void aWrongKeyIsReportedAsSuch() throws Exception {
        String key = System.getenv("OPENAI_API_KEY");
        Assumptions.assumeTrue(key != null && !key.isBlank(), "OPENAI_API_KEY not set: live OpenAI test skipped");
        RecordingListener listener = new RecordingListener();
        OpenAiCompatible.forProvider("openai", transport, ProviderSettings.DEFAULTS)
                .stream(request(KnownProvider.OPENAI, "gpt-4o-mini", "sk-wrong-" + key.substring(key.length() - 6), true), listener);
        assertTrue(listener.awaitTerminal(Duration.ofSeconds(30)));
        assertEquals(ProviderFailure.Kind.AUTHENTICATION, listener.failure().kind());
    }

    private static void live(String variable, String name, ChatProvider adapter, KnownProvider provider, String model) throws Exception {
        String key = System.getenv(variable);
        Assumptions.assumeTrue(key != null && !key.isBlank(), variable + " not set: live " + name + " test skipped");
        for (boolean streaming : new boolean[] {true, false}) {
            RecordingListener listener = new RecordingListener();
            adapter.stream(request(provider, model, key, streaming), listener);
            assertTrue(listener.awaitTerminal(Duration.ofSeconds(60)), name + " answers");
            assertNull(listener.failure(), () -> name + " failed: " + listener.failure());
            assertFalse(listener.text().isBlank(), name + " said something");
            assertTrue(listener.usage().known(), name + " reported usage");
            assertFalse(listener.brokeSerialisation());
        }
    }

    private static ProviderRequest request(KnownProvider provider, String model, String key, boolean streaming) {
        return new ProviderRequest(model, provider.defaultBaseUrl(), key, "Answer in at most five words.",
                List.of(new PromptMessage(Role.USER, "Name a colour.")), List.of(), streaming);
    }
}
