package dev.notebookchat.chat.control;

import dev.notebookchat.provider.spi.ModelRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How many tokens each model reads at once (its context window), how many of them a turn keeps free
 * for the answer, and how many characters a token is taken to be. Providers count exactly, but only
 * after the request is sent; a turn must fit before, so it estimates, on the safe side.
 *
 * <p>A window is, first found first: {@code notebookchat.models.<provider>.<model>.context-window},
 * {@code notebookchat.models.<provider>.context-window}, the built-in default of a known model family,
 * the built-in default of the provider. As environment variables every character that is not a letter
 * or digit becomes {@code _}: {@code NOTEBOOKCHAT_MODELS_OLLAMA_QWEN3_0_6B_CONTEXT_WINDOW=32768} sets
 * {@code ollama/qwen3:0.6b}.
 */
@ApplicationScoped
public class ModelWindows {

    /** A provider's window when nothing more specific is known; an unknown provider gets the smallest. */
    static final Map<String, Integer> PROVIDER_DEFAULTS = Map.of(
            "openai", 128_000,
            "anthropic", 200_000,
            "google", 1_048_576,
            "groq", 131_072,
            "mistral", 128_000,
            "deepseek", 65_536,
            // Ollama's own default is smaller still, but a model pulled for a notebook is usually run larger.
            "ollama", 8_192,
            "openrouter", 128_000,
            // The extractive model reads everything it is given; its window never limits a turn.
            "local", 1_000_000_000);

    static final int UNKNOWN_PROVIDER = 8_192;

    /** Families whose window differs from their provider's, by the start of the model name. */
    static final List<Family> FAMILY_DEFAULTS = List.of(
            new Family("openai", "gpt-4.1", 1_047_576),
            new Family("openai", "gpt-5", 400_000),
            new Family("openai", "o1", 200_000),
            new Family("openai", "o3", 200_000),
            new Family("openai", "o4", 200_000),
            new Family("openrouter", "openai/gpt-4.1", 1_047_576),
            new Family("openrouter", "anthropic/", 200_000),
            new Family("openrouter", "google/gemini", 1_048_576));

    record Family(String provider, String modelPrefix, int tokens) {
    }

    /**
     * One model's budget.
     *
     * @param tokens             the context window
     * @param answerTokens       kept free for the answer: the setting, but never more than a quarter of the window
     * @param charactersPerToken the estimate text is measured with
     */
    public record Window(int tokens, int answerTokens, double charactersPerToken) {

        /** What the prompt (instructions, context, history and question) may take. */
        public int promptTokens() {
            return tokens - answerTokens;
        }

        /** The estimated tokens of {@code characters} characters, rounded up. */
        public int tokens(long characters) {
            return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(characters / charactersPerToken));
        }

        public int tokens(String text) {
            return tokens(text.length());
        }

        /** The characters that are estimated to fit in {@code tokens}, rounded down. */
        public long characters(int tokens) {
            return tokens <= 0 ? 0 : (long) Math.floor(tokens * charactersPerToken);
        }
    }

    @Inject
    Config config;

    @Inject
    @ConfigProperty(name = "notebookchat.context.answer-tokens", defaultValue = "4096")
    int answerTokens;

    /** English prose runs about four characters a token; code, numbers and other languages fewer. */
    @Inject
    @ConfigProperty(name = "notebookchat.context.characters-per-token", defaultValue = "3.5")
    double charactersPerToken;

    public Window of(ModelRef model) {
        return window(model, name -> config.getOptionalValue(name, String.class), answerTokens, charactersPerToken);
    }

    /** The budget of {@code model} with the settings {@code setting} finds. */
    static Window window(ModelRef model, Function<String, Optional<String>> setting, int answerTokens, double charactersPerToken) {
        if (!(charactersPerToken >= 0.5)) {
            throw new IllegalArgumentException("notebookchat.context.characters-per-token must be at least 0.5, not " + charactersPerToken);
        }
        int tokens = contextWindow(model, setting);
        int answer = Math.max(0, Math.min(answerTokens, tokens / 4));
        return new Window(tokens, answer, charactersPerToken);
    }

    static int contextWindow(ModelRef model, Function<String, Optional<String>> setting) {
        String prefix = "notebookchat.models." + model.provider() + ".";
        Optional<Integer> configured = positive(setting, prefix + model.model() + ".context-window")
                .or(() -> positive(setting, prefix + "context-window"));
        if (configured.isPresent()) {
            return configured.get();
        }
        return FAMILY_DEFAULTS.stream()
                .filter(f -> f.provider().equals(model.provider()) && model.model().startsWith(f.modelPrefix()))
                .map(Family::tokens).findFirst()
                .orElse(PROVIDER_DEFAULTS.getOrDefault(model.provider(), UNKNOWN_PROVIDER));
    }

    private static Optional<Integer> positive(Function<String, Optional<String>> setting, String name) {
        return setting.apply(name).map(String::strip).filter(v -> !v.isEmpty()).map(value -> {
            try {
                int tokens = Integer.parseInt(value);
                if (tokens > 0) {
                    return tokens;
                }
            } catch (NumberFormatException e) {
                // reported below, with the setting's name
            }
            throw new IllegalArgumentException(name + " must be a whole number of tokens above 0, not '" + value + "'");
        });
    }
}
