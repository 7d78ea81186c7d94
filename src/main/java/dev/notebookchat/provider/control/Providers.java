package dev.notebookchat.provider.control;

import dev.notebookchat.platform.Seconds;
import dev.notebookchat.provider.http.Anthropic;
import dev.notebookchat.provider.http.Gemini;
import dev.notebookchat.provider.http.HttpTransport;
import dev.notebookchat.provider.http.Ollama;
import dev.notebookchat.provider.http.OpenAiCompatible;
import dev.notebookchat.provider.local.LocalExtractive;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.KnownProvider;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import org.eclipse.microprofile.config.Config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Picks the provider for a {@code provider/model} name and knows, from MicroProfile Config, where each
 * provider lives, which server-wide key it has, and how patient to be with it.
 *
 * <p>Settings are read once, when the bean starts, like every other setting of the application: each
 * provider's adapter, address and server-wide key are made ready then, so an answer's start looks them
 * up instead of asking the configuration a dozen times (each a look through every config source,
 * environment variables included). Every setting has a default, and environment variables work through
 * MicroProfile Config's mapping ({@code NOTEBOOKCHAT_PROVIDERS_OPENAI_BASE_URL}).
 *
 * <p>Provider answers are read, parsed and relayed on the selector threads of a few HTTP clients
 * ({@code notebookchat.providers.relays}), each relaying the answers it reads as it reads them; the
 * rest of an answer's work (starting it, retries, idle checks, its end, and pacing the local model)
 * runs on threads of their own ({@code notebookchat.providers.threads}, made by the container's
 * managed thread factory), not on the server's shared executor: there they queued behind request
 * threads waiting for a database connection, and a burst of requests on a small pool delayed every
 * running answer. Nothing on either waits for the database or a client (a turn's saves run on the
 * managed executor, SSE writes complete asynchronously), so a few serve every stream. Their queue is
 * bounded by the running turns: each answer has at most one task queued at a time.
 */
@ApplicationScoped
public class Providers {

    private static final System.Logger LOG = System.getLogger(Providers.class.getName());

    /** Offered when {@code notebookchat.models} is not set: local answers first, then each provider's current workhorses. */
    static final String DEFAULT_MODELS = String.join(",",
            "local/extractive",
            "ollama/llama3.2",
            "openai/gpt-4o-mini", "openai/gpt-4.1",
            "anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5",
            "groq/llama-3.3-70b-versatile",
            "google/gemini-2.5-flash", "google/gemini-2.5-pro",
            "mistral/mistral-small-latest", "mistral/mistral-large-latest",
            "deepseek/deepseek-chat", "deepseek/deepseek-reasoner",
            "openrouter/openai/gpt-4o-mini");

    /** Ollama lists what it has pulled; asking once per this period is plenty for a model picker. */
    private static final Duration OLLAMA_TAGS_FRESH = Duration.ofSeconds(30);
    /** A local Ollama answers at once or is not running: the picker must not wait for it. */
    private static final Duration OLLAMA_TAGS_TIMEOUT = Duration.ofSeconds(1);

    @Inject
    Config config;

    @Resource
    ManagedThreadFactory threadFactory;

    /** The provider threads in a container; the scheduler handed in outside it. */
    private ScheduledExecutorService scheduledExecutor;
    private ScheduledThreadPoolExecutor providerThreads;
    private HttpTransport transport;
    /** Each provider as configured: its adapter, address and server-wide key. */
    private Map<KnownProvider, Configured> configured;
    private ProviderSettings settings;
    /** {@code notebookchat.models} and {@code notebookchat.models.non-streaming}, as lists of {@code provider/model}. */
    private List<String> offered;
    private Set<String> nonStreaming;

    /** One provider as configured. */
    private record Configured(ChatProvider adapter, URI baseUrl, Optional<String> serverKey) {
    }

    private volatile List<ModelRef> ollamaModels = List.of();
    /** When {@link #ollamaModels} was last asked for, valid once {@link #ollamaModelsKnown}. */
    private volatile long ollamaModelsAt;
    private volatile boolean ollamaModelsKnown;
    private final AtomicBoolean askingOllama = new AtomicBoolean();

    /** For CDI. */
    public Providers() {
    }

    /** Outside a container (tests): the same bean with its collaborators handed in. */
    Providers(Config config, ExecutorService executor, ScheduledExecutorService scheduler) {
        this.config = config;
        this.transport = HttpTransport.create(relays(), executor, scheduler, connectTimeout());
        this.scheduledExecutor = scheduler;
        readSettings();
    }

    @PostConstruct
    void buildClient() {
        providerThreads = new ScheduledThreadPoolExecutor(threads(), threadFactory);
        // A cancelled watchdog leaves the queue at once instead of at its due time.
        providerThreads.setRemoveOnCancelPolicy(true);
        scheduledExecutor = providerThreads;
        transport = HttpTransport.create(relays(), providerThreads, providerThreads, connectTimeout());
        readSettings();
        discoverModels(); // warm the Ollama list so the first model picker already shows it
    }

    /**
     * The answers still streaming are not this bean's to end: {@code Turns} fails every running turn
     * when the application stops, and a failed turn cancels its provider answer, closing the connection.
     */
    @PreDestroy
    void stopThreads() {
        if (providerThreads != null) {
            providerThreads.shutdownNow();
        }
    }

    /**
     * {@code notebookchat.providers.relays}: by default one per four processors, at least one. One
     * relay thread on one core relays about 20,000 tokens a second (docs/performance.md); the other
     * cores start turns and save answers, and fewer selectors each find more sockets ready per wake-up.
     */
    private int relays() {
        return intSetting("notebookchat.providers.relays", Math.max(1, Runtime.getRuntime().availableProcessors() / 4));
    }

    /** {@code notebookchat.providers.threads}: by default two per processor, at least four. */
    private int threads() {
        int fallback = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        return Math.max(1, config.getOptionalValue("notebookchat.providers.threads", Integer.class).orElse(fallback));
    }

    private void readSettings() {
        settings = readProviderSettings();
        offered = list("notebookchat.models", DEFAULT_MODELS);
        nonStreaming = Set.copyOf(list("notebookchat.models.non-streaming", ""));
        Map<KnownProvider, Configured> all = new EnumMap<>(KnownProvider.class);
        for (KnownProvider known : KnownProvider.values()) {
            all.put(known, new Configured(adapter(known), readBaseUrl(known), readServerKey(known)));
        }
        configured = all;
    }

    // ---- providers -------------------------------------------------------------------------------

    /**
     * Everything an answer from {@code model} needs besides the conversation: the adapter set up with
     * the settings, where the provider lives, the key to send and whether to stream. The
     * user's own key wins over the server-wide one; a provider that needs none still gets a configured
     * one (an Ollama behind an authenticating proxy).
     *
     * @param usersKey the user's own key for the provider, if they stored one
     * @throws BadRequestException for a provider this application does not speak to, and for one that
     *         needs a key when neither the user nor the server has one
     */
    public Call call(ModelRef model, Optional<String> usersKey) {
        KnownProvider known = KnownProvider.byId(model.provider()).orElseThrow(() -> new BadRequestException(
                "Unknown provider '" + model.provider() + "' in model '" + model.id() + "'. Known providers: "
                        + String.join(", ", providers().stream().map(ProviderInfo::name).toList()) + "."));
        Configured provider = configured.get(known);
        Optional<String> key = usersKey.or(provider::serverKey);
        if (known.needsKey() && key.isEmpty()) {
            throw new BadRequestException("No API key for provider '" + known.id() + "': add your key in Settings (PUT /api/credentials/"
                    + known.id() + ") or ask the administrator to configure one.");
        }
        return new Call(model, provider.adapter(), provider.baseUrl(), key.orElse(null), !nonStreaming.contains(model.id()));
    }

    /**
     * One answer's provider, ready to be asked: {@link #request} adds the conversation.
     *
     * @param apiKey the key to send, {@code null} for none
     */
    public record Call(ModelRef model, ChatProvider provider, URI baseUrl, String apiKey, boolean streaming) {

        public ProviderRequest request(String system, List<PromptMessage> messages, List<ContextDocument> documents) {
            return new ProviderRequest(model.model(), baseUrl, apiKey, system, messages, documents, streaming);
        }

        /** Never the key: a record would print it. */
        @Override
        public String toString() {
            return "Call[model=" + model + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(hidden)")
                    + ", streaming=" + streaming + "]";
        }
    }

    private ChatProvider adapter(KnownProvider known) {
        return switch (known) {
            case OPENAI, GROQ, DEEPSEEK, MISTRAL, OPENROUTER -> OpenAiCompatible.forProvider(known.id(), transport, settings);
            case ANTHROPIC -> new Anthropic(transport, settings, intSetting("notebookchat.providers.anthropic.max-tokens", 4096));
            case GOOGLE -> new Gemini(transport, settings);
            case OLLAMA -> new Ollama(transport, settings);
            case LOCAL -> new LocalExtractive(scheduledExecutor,
                    seconds("notebookchat.local.token-delay", Duration.ofMillis(20)));
        };
    }

    /** {@code notebookchat.providers.<name>.base-url}, or the provider's public API. */
    public URI baseUrl(String provider) {
        return configured.get(known(provider)).baseUrl();
    }

    private URI readBaseUrl(KnownProvider known) {
        return text("notebookchat.providers." + known.id() + ".base-url")
                .map(String::strip)
                .map(url -> {
                    try {
                        return URI.create(url);
                    } catch (IllegalArgumentException malformed) {
                        LOG.log(System.Logger.Level.WARNING, "Ignoring malformed base URL for " + known.id() + ": " + url);
                        return null;
                    }
                })
                .orElse(known.defaultBaseUrl());
    }

    /** {@code notebookchat.providers.<name>.api-key}, the key for users who have none of their own. */
    public Optional<String> serverKey(String provider) {
        return configured.get(known(provider)).serverKey();
    }

    private Optional<String> readServerKey(KnownProvider known) {
        return text("notebookchat.providers." + known.id() + ".api-key").map(String::strip).filter(key -> !key.isEmpty());
    }

    /** Every provider, in the order the model picker shows them. */
    public List<ProviderInfo> providers() {
        return Arrays.stream(KnownProvider.values())
                .map(p -> new ProviderInfo(p.id(), p.displayName(), p.needsKey()))
                .toList();
    }

    // ---- models ----------------------------------------------------------------------------------

    /**
     * The configured models ({@code notebookchat.models}), then the Ollama models last seen on the
     * Ollama server that the list does not name yet. Never waits: a stale Ollama list is refreshed in
     * the background for the next call; {@link #discoverModels()} waits for it.
     */
    public List<ModelRef> models() {
        if (!ollamaModelsFresh()) {
            discoverModels();
        }
        return merged();
    }

    /** Whether {@code notebookchat.models} offers {@code model}; asks no server. */
    public boolean offers(ModelRef model) {
        return offered.contains(model.id());
    }

    /** As {@link #models()}, once a fresh answer from Ollama (or its absence) is known. */
    public CompletionStage<List<ModelRef>> discoverModels() {
        if (ollamaModelsFresh() || !askingOllama.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(merged());
        }
        URI tags = Ollama.tagsUrl(baseUrl("ollama"));
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(tags).GET().timeout(OLLAMA_TAGS_TIMEOUT)
                    .header("Accept", "application/json");
            if ("http".equalsIgnoreCase(tags.getScheme())) {
                builder.version(HttpClient.Version.HTTP_1_1);
            }
            request = builder.build();
        } catch (IllegalArgumentException unusable) {
            askingOllama.set(false);
            return CompletableFuture.completedFuture(merged());
        }
        return transport.client().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    List<ModelRef> found = List.of();
                    if (failure == null && response.statusCode() == 200) {
                        found = Ollama.tags(response.body());
                    } else {
                        LOG.log(System.Logger.Level.DEBUG, () -> "No Ollama models from " + tags + ": "
                                + (failure != null ? failure : "HTTP " + response.statusCode()));
                    }
                    ollamaModels = found;
                    ollamaModelsAt = System.nanoTime();
                    ollamaModelsKnown = true;
                    askingOllama.set(false);
                    return merged();
                });
    }

    private boolean ollamaModelsFresh() {
        return ollamaModelsKnown && System.nanoTime() - ollamaModelsAt <= OLLAMA_TAGS_FRESH.toNanos();
    }

    private List<ModelRef> merged() {
        Set<ModelRef> models = new LinkedHashSet<>();
        for (String name : offered) {
            try {
                ModelRef model = ModelRef.parse(name);
                if (KnownProvider.byId(model.provider()).isPresent()) {
                    models.add(model);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "Ignoring model of unknown provider in notebookchat.models: " + name);
                }
            } catch (IllegalArgumentException malformed) {
                LOG.log(System.Logger.Level.WARNING, "Ignoring malformed entry in notebookchat.models: " + name);
            }
        }
        for (ModelRef discovered : ollamaModels) {
            // Ollama reports "llama3.2:latest" for what users configure as "llama3.2".
            String bare = discovered.model().endsWith(":latest")
                    ? discovered.model().substring(0, discovered.model().length() - ":latest".length())
                    : discovered.model();
            if (!models.contains(new ModelRef("ollama", bare))) {
                models.add(discovered);
            }
        }
        return List.copyOf(models);
    }

    // ---- settings --------------------------------------------------------------------------------

    /** Timeouts and retries as configured. */
    public ProviderSettings settings() {
        return settings;
    }

    private ProviderSettings readProviderSettings() {
        ProviderSettings defaults = ProviderSettings.DEFAULTS;
        return new ProviderSettings(
                positive(seconds("notebookchat.stream.idle-timeout.first-token", defaults.firstTokenTimeout()), defaults.firstTokenTimeout()),
                positive(seconds("notebookchat.stream.idle-timeout.between-tokens", defaults.betweenTokensTimeout()), defaults.betweenTokensTimeout()),
                Math.max(1, intSetting("notebookchat.providers.retry.max-attempts", defaults.maxAttempts())),
                seconds("notebookchat.providers.retry.initial-backoff", defaults.initialBackoff()),
                seconds("notebookchat.providers.retry.max-backoff", defaults.maxBackoff()));
    }

    private Duration connectTimeout() {
        return positive(seconds("notebookchat.providers.connect-timeout", Duration.ofSeconds(10)), Duration.ofSeconds(10));
    }

    private static KnownProvider known(String name) {
        return KnownProvider.byId(name == null ? "" : name.strip().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalArgumentException("Unknown provider: \"" + name + "\""));
    }

    private Optional<String> text(String key) {
        return config.getOptionalValue(key, String.class);
    }

    private List<String> list(String key, String fallback) {
        return Arrays.stream(text(key).orElse(fallback).split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    /** Durations are plain seconds, decimals allowed ({@code 0.5}); a value that is not a number falls back to the default. */
    private Duration seconds(String key, Duration fallback) {
        Optional<String> value = text(key);
        if (value.isEmpty() || value.get().isBlank()) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value.get().strip());
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw new NumberFormatException("negative");
            }
            return Seconds.atLeast(Duration.ZERO, seconds);
        } catch (NumberFormatException notSeconds) {
            LOG.log(System.Logger.Level.WARNING, key + " must be a number of seconds, not \"" + value.get() + "\"; using " + fallback.toMillis() / 1000.0);
            return fallback;
        }
    }

    private int intSetting(String key, int fallback) {
        Optional<String> value = text(key);
        if (value.isEmpty() || value.get().isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.get().strip());
            if (number < 1) {
                throw new NumberFormatException("not positive");
            }
            return number;
        } catch (NumberFormatException notANumber) {
            LOG.log(System.Logger.Level.WARNING, key + " must be a positive whole number, not \"" + value.get() + "\"; using " + fallback);
            return fallback;
        }
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value.isZero() ? fallback : value;
    }
}
