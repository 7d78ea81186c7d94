package dev.notebookchat.provider.spi;

import dev.notebookchat.provider.http.Anthropic;
import dev.notebookchat.provider.http.Gemini;
import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * The providers Notebook Chat speaks to, with what a user sees of them and where they live by default.
 * Failure messages and the provider list both need the display name, so it lives here once.
 */
public enum KnownProvider {
    OPENAI("openai", "OpenAI", "https://api.openai.com/v1", true),
    ANTHROPIC("anthropic", "Anthropic", "https://api.anthropic.com/v1", true),
    GROQ("groq", "Groq", "https://api.groq.com/openai/v1", true),
    GOOGLE("google", "Google Gemini", "https://generativelanguage.googleapis.com/v1beta", true),
    MISTRAL("mistral", "Mistral", "https://api.mistral.ai/v1", true),
    DEEPSEEK("deepseek", "DeepSeek", "https://api.deepseek.com", true),
    OLLAMA("ollama", "Ollama", "http://localhost:11434", false),
    OPENROUTER("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", true),
    /** Answers from the notebook itself, inside the server: no network, no key. */
    LOCAL("local", "Local (extractive)", "local:embedded", false);

    private final String id;
    private final String displayName;
    private final URI defaultBaseUrl;
    private final boolean needsKey;

    KnownProvider(String id, String displayName, String defaultBaseUrl, boolean needsKey) {
        this.id = id;
        this.displayName = displayName;
        this.defaultBaseUrl = URI.create(defaultBaseUrl);
        this.needsKey = needsKey;
    }

    /** The provider part of {@code provider/model}. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public URI defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public boolean needsKey() {
        return needsKey;
    }

    public static Optional<KnownProvider> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    /** The name to show for {@code id}; an unknown id is shown as it is. */
    public static String displayName(String id) {
        return byId(id).map(KnownProvider::displayName).orElse(id);
    }
}
