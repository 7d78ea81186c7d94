package dev.notebookchat.provider.control;

import dev.notebookchat.provider.fake.FakeProviderServer;
import dev.notebookchat.provider.fake.RecordedRequest;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.provider.spi.RecordingListener;
import dev.notebookchat.unit.PlainRuntimeDelegate;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvidersTest {

    static FakeProviderServer fake;
    static ExecutorService executor;
    static ScheduledExecutorService scheduler;

    @BeforeAll
    static void start() throws IOException {
        PlainRuntimeDelegate.install(); // for the refusals, which are JAX-RS exceptions
        fake = new FakeProviderServer().start(0);
        executor = Executors.newFixedThreadPool(2);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        fake.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
        executor.awaitTermination(1, TimeUnit.SECONDS);
    }

    static Providers providers(Map<String, String> settings) {
        return new Providers(new MapConfig(settings), executor, scheduler);
    }

    @Test
    void defaultsPointAtThePublicApis() {
        Providers providers = providers(Map.of());
        assertEquals(URI.create("https://api.openai.com/v1"), providers.baseUrl("openai"));
        assertEquals(URI.create("https://api.anthropic.com/v1"), providers.baseUrl("anthropic"));
        assertEquals(URI.create("https://api.groq.com/openai/v1"), providers.baseUrl("groq"));
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta"), providers.baseUrl("google"));
        assertEquals(URI.create("https://api.mistral.ai/v1"), providers.baseUrl("mistral"));
        assertEquals(URI.create("https://api.deepseek.com"), providers.baseUrl("deepseek"));
        assertEquals(URI.create("http://localhost:11434"), providers.baseUrl("ollama"));
        assertEquals(URI.create("https://openrouter.ai/api/v1"), providers.baseUrl("openrouter"));
        assertEquals(Optional.empty(), providers.serverKey("openai"));
        assertEquals(ProviderSettings.DEFAULTS, providers.settings());
    }

    @Test
    void configuredBaseUrlsKeysAndTimingsWin() {
        Providers providers = providers(Map.of(
                "notebookchat.providers.openai.base-url", "http://127.0.0.1:9955/v1",
                "notebookchat.providers.anthropic.api-key", " sk-ant-server ",
                "notebookchat.providers.groq.api-key", "  ",
                "notebookchat.stream.idle-timeout.first-token", "0.5",
                "notebookchat.stream.idle-timeout.between-tokens", "2",
                "notebookchat.providers.retry.max-attempts", "5",
                "notebookchat.providers.retry.initial-backoff", "0.25"));
        assertEquals(URI.create("http://127.0.0.1:9955/v1"), providers.baseUrl("openai"));
        assertEquals(Optional.of("sk-ant-server"), providers.serverKey("anthropic"));
        assertEquals(Optional.empty(), providers.serverKey("groq"), "a blank key is no key");
        ProviderSettings settings = providers.settings();
        assertEquals(Duration.ofMillis(500), settings.firstTokenTimeout());
        assertEquals(Duration.ofSeconds(2), settings.betweenTokensTimeout());
        assertEquals(5, settings.maxAttempts());
        assertEquals(Duration.ofMillis(250), settings.initialBackoff());
    }

    @Test
    void unreadableSettingsFallBackToDefaults() {
        Providers providers = providers(Map.of(
                "notebookchat.stream.idle-timeout.first-token", "sixty",
                "notebookchat.providers.retry.max-attempts", "-2"));
        assertEquals(ProviderSettings.DEFAULTS, providers.settings());
    }

    @Test
    void knowsEveryProviderByNameAndWhetherItNeedsAKey() {
        Providers providers = providers(Map.of());
        assertEquals(List.of(
                new ProviderInfo("openai", "OpenAI", true),
                new ProviderInfo("anthropic", "Anthropic", true),
                new ProviderInfo("groq", "Groq", true),
                new ProviderInfo("google", "Google Gemini", true),
                new ProviderInfo("mistral", "Mistral", true),
                new ProviderInfo("deepseek", "DeepSeek", true),
                new ProviderInfo("ollama", "Ollama", false),
                new ProviderInfo("openrouter", "OpenRouter", true),
                new ProviderInfo("local", "Local (extractive)", false)), providers.providers());
        for (ProviderInfo info : providers.providers()) {
            ModelRef model = new ModelRef(info.name(), "some-model");
            assertEquals(info.name(), providers.call(model, Optional.of("own-key")).provider().name());
        }
    }

    @Test
    void aCallToAnUnknownProviderIsRefusedNamingTheKnownOnes() {
        BadRequestException refused = assertThrows(BadRequestException.class,
                () -> providers(Map.of()).call(ModelRef.parse("cohere/command-r"), Optional.of("own-key")));
        assertEquals("Unknown provider 'cohere' in model 'cohere/command-r'. Known providers: openai, anthropic, groq, "
                + "google, mistral, deepseek, ollama, openrouter, local.", refused.getMessage());
    }

    @Test
    void aCallWithoutAnyKeyIsRefusedWhereTheProviderNeedsOne() {
        BadRequestException refused = assertThrows(BadRequestException.class,
                () -> providers(Map.of()).call(ModelRef.parse("mistral/mistral-small-latest"), Optional.empty()));
        assertEquals("No API key for provider 'mistral': add your key in Settings (PUT /api/credentials/mistral) "
                + "or ask the administrator to configure one.", refused.getMessage());
        assertNull(providers(Map.of()).call(ModelRef.parse("ollama/llama3.2"), Optional.empty()).apiKey());
        assertNull(providers(Map.of()).call(ModelRef.parse("local/extractive"), Optional.empty()).apiKey());
    }

    @Test
    void aCallSendsTheUsersKeyBeforeTheServersAndTheServersToProvidersThatNeedNone() {
        Providers providers = providers(Map.of(
                "notebookchat.providers.openai.api-key", "sk-server",
                "notebookchat.providers.ollama.api-key", "proxy-key"));
        assertEquals("sk-own", providers.call(ModelRef.parse("openai/gpt-4o-mini"), Optional.of("sk-own")).apiKey());
        assertEquals("sk-server", providers.call(ModelRef.parse("openai/gpt-4o-mini"), Optional.empty()).apiKey());
        assertEquals("proxy-key", providers.call(ModelRef.parse("ollama/llama3.2"), Optional.empty()).apiKey());
    }

    @Test
    void aCallCarriesWhereTheProviderLivesAndAsksForTheWholeModelName() {
        Providers providers = providers(Map.of("notebookchat.providers.openrouter.base-url", "http://127.0.0.1:9955/api/v1"));
        Providers.Call call = providers.call(ModelRef.parse("openrouter/openai/gpt-4o-mini"), Optional.of("sk-own"));
        ProviderRequest request = call.request("Be brief.", List.of(new PromptMessage(Role.USER, "Hi")), List.of());

        assertEquals(new ProviderRequest("openai/gpt-4o-mini", URI.create("http://127.0.0.1:9955/api/v1"), "sk-own", "Be brief.",
                List.of(new PromptMessage(Role.USER, "Hi")), List.of(), true), request);
        assertEquals("Call[model=openrouter/openai/gpt-4o-mini, baseUrl=http://127.0.0.1:9955/api/v1, apiKey=(hidden), "
                + "streaming=true]", call.toString());
    }

    @Test
    void listsConfiguredModelsSkippingBrokenEntries() {
        Providers providers = providers(Map.of(
                "notebookchat.providers.ollama.base-url", "http://127.0.0.1:" + closedPort(),
                "notebookchat.models", "local/extractive, openrouter/openai/gpt-4o-mini,nonsense,cohere/command-r,openai/gpt-4.1"));
        assertEquals(List.of(ModelRef.parse("local/extractive"), ModelRef.parse("openrouter/openai/gpt-4o-mini"),
                ModelRef.parse("openai/gpt-4.1")), providers.discoverModels().toCompletableFuture().join());
    }

    @Test
    void defaultModelsStartLocal() {
        Providers providers = providers(Map.of("notebookchat.providers.ollama.base-url", "http://127.0.0.1:" + closedPort()));
        List<ModelRef> models = providers.discoverModels().toCompletableFuture().join();
        assertEquals(ModelRef.parse("local/extractive"), models.get(0));
        assertTrue(models.contains(ModelRef.parse("anthropic/claude-sonnet-4-5")));
        assertTrue(models.contains(ModelRef.parse("google/gemini-2.5-flash")));
    }

    @Test
    void addsTheModelsARunningOllamaHas() {
        Providers providers = providers(Map.of(
                "notebookchat.providers.ollama.base-url", fake.root().toString(),
                "notebookchat.models", "local/extractive,ollama/llama3.2"));
        List<ModelRef> models = providers.discoverModels().toCompletableFuture().join();
        assertEquals(List.of(ModelRef.parse("local/extractive"), ModelRef.parse("ollama/llama3.2"), ModelRef.parse("ollama/qwen3:0.6b")),
                models, "llama3.2:latest is the configured llama3.2");
        assertEquals(models, providers.models(), "cached");
    }

    @Test
    void nonStreamingModelsAreListedByName() {
        Providers providers = providers(Map.of("notebookchat.models.non-streaming", "openai/o1-pro, ollama/qwen3:0.6b"));
        assertFalse(providers.call(ModelRef.parse("openai/o1-pro"), Optional.of("k")).streaming());
        assertFalse(providers.call(ModelRef.parse("ollama/qwen3:0.6b"), Optional.empty()).streaming());
        assertTrue(providers.call(ModelRef.parse("openai/gpt-4o-mini"), Optional.of("k")).streaming());
    }

    @Test
    void answersThroughTheConfiguredProvider() throws Exception {
        Providers providers = providers(Map.of("notebookchat.providers.groq.base-url", fake.root() + "/openai/v1"));
        RecordingListener listener = new RecordingListener();
        Providers.Call call = providers.call(ModelRef.parse("groq/llama-3.3-70b-versatile"), Optional.of("test-key"));
        call.provider().stream(request(call), listener);

        assertTrue(listener.awaitTerminal(Duration.ofSeconds(5)));
        assertNull(listener.failure());
        assertEquals("The notebook says tea is best.", listener.text());
        RecordedRequest sent = fake.requestsFor("llama-3.3-70b-versatile").get(0);
        assertEquals("/openai/v1/chat/completions", sent.path());
    }

    @Test
    void theLocalProviderAnswersWithoutKeyOrNetwork() throws Exception {
        Providers providers = providers(Map.of("notebookchat.local.token-delay", "0"));
        Providers.Call call = providers.call(ModelRef.parse("local/extractive"), Optional.empty());
        RecordingListener listener = new RecordingListener();
        call.provider().stream(request(call), listener);
        assertTrue(listener.awaitTerminal(Duration.ofSeconds(5)));
        assertEquals("The context is empty: this notebook has no sources or notes selected. "
                + "Add a source or a note, or select one for the context.", listener.text());
        assertEquals("stop", listener.finishReason());
    }

    private static ProviderRequest request(Providers.Call call) {
        return call.request("Be brief.", List.of(new PromptMessage(Role.USER, "What does the notebook say?")), List.of());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
