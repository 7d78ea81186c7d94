package dev.notebookchat.provider.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Placeholder registry until the provider adapters land: every provider of the contract is known, so
 * the provider list and the key checks already behave as they will, but only the local model answers.
 */
@ApplicationScoped
public class Providers {

    public record ModelRef(String provider, String model) {
        public static ModelRef parse(String id) {
            int slash = id == null ? -1 : id.indexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                throw new IllegalArgumentException("A model is named provider/model, e.g. local/extractive.");
            }
            return new ModelRef(id.substring(0, slash), id.substring(slash + 1));
        }

        public String id() {
            return provider + "/" + model;
        }
    }

    public record ProviderInfo(String name, String displayName, boolean needsKey, boolean streaming) {
    }

    private static final List<ProviderInfo> KNOWN = List.of(
            new ProviderInfo("openai", "OpenAI", true, true),
            new ProviderInfo("anthropic", "Anthropic", true, true),
            new ProviderInfo("groq", "Groq", true, true),
            new ProviderInfo("google", "Google Gemini", true, true),
            new ProviderInfo("mistral", "Mistral", true, true),
            new ProviderInfo("deepseek", "DeepSeek", true, true),
            new ProviderInfo("ollama", "Ollama", false, true),
            new ProviderInfo("openrouter", "OpenRouter", true, true),
            new ProviderInfo("local", "Local (extractive)", false, true));

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedScheduledExecutorService scheduler;

    public boolean isKnown(String name) {
        return KNOWN.stream().anyMatch(p -> p.name().equals(name));
    }

    public Optional<ChatProvider> provider(String name) {
        return "local".equals(name) ? Optional.of(new LocalExtractive(scheduler, java.time.Duration.ofMillis(20))) : Optional.empty();
    }

    public URI baseUrl(String provider) {
        return URI.create("http://localhost");
    }

    public Optional<String> serverKey(String provider) {
        return Optional.empty();
    }

    public boolean needsKey(String provider) {
        return !"local".equals(provider) && !"ollama".equals(provider);
    }

    public boolean streaming(ModelRef model) {
        return true;
    }

    public List<ProviderInfo> providers() {
        return KNOWN;
    }

    public List<ModelRef> models() {
        return List.of(new ModelRef("local", "extractive"));
    }
}
