package dev.notebookchat.chat.control;

import dev.notebookchat.provider.spi.ModelRef;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelWindowsTest {

    static final Function<String, Optional<String>> NOTHING = name -> Optional.empty();

    @Test
    void everyProviderHasADefaultWindow() {
        assertEquals(128_000, window("openai/gpt-4o-mini", NOTHING).tokens());
        assertEquals(200_000, window("anthropic/claude-sonnet-4-5", NOTHING).tokens());
        assertEquals(1_048_576, window("google/gemini-2.5-flash", NOTHING).tokens());
        assertEquals(131_072, window("groq/llama-3.3-70b-versatile", NOTHING).tokens());
        assertEquals(128_000, window("mistral/mistral-small-latest", NOTHING).tokens());
        assertEquals(65_536, window("deepseek/deepseek-chat", NOTHING).tokens());
        assertEquals(8_192, window("ollama/qwen3:0.6b", NOTHING).tokens());
        assertEquals(128_000, window("openrouter/meta-llama/llama-3.3-70b-instruct", NOTHING).tokens());
        assertEquals(1_000_000_000, window("local/extractive", NOTHING).tokens());
        assertEquals(8_192, window("elsewhere/some-model", NOTHING).tokens(), "an unknown provider gets the smallest");
    }

    @Test
    void knownModelFamiliesHaveTheirOwnWindow() {
        assertEquals(1_047_576, window("openai/gpt-4.1-mini", NOTHING).tokens());
        assertEquals(1_047_576, window("openai/gpt-4.1", NOTHING).tokens());
        assertEquals(400_000, window("openai/gpt-5-nano", NOTHING).tokens());
        assertEquals(200_000, window("openai/o4-mini", NOTHING).tokens());
        assertEquals(200_000, window("openrouter/anthropic/claude-3.5-haiku", NOTHING).tokens());
    }

    @Test
    void settingsOverrideTheDefaultsTheModelsOwnFirst() {
        Map<String, String> settings = Map.of(
                "notebookchat.models.ollama.context-window", "32768",
                "notebookchat.models.ollama.qwen3:0.6b.context-window", " 40960 ",
                "notebookchat.models.openai.context-window", "64000");

        assertEquals(40_960, window("ollama/qwen3:0.6b", lookup(settings)).tokens());
        assertEquals(32_768, window("ollama/llama3.2", lookup(settings)).tokens());
        assertEquals(64_000, window("openai/gpt-4.1", lookup(settings)).tokens(), "a provider's setting beats a built-in family");
        assertEquals(200_000, window("anthropic/claude", lookup(settings)).tokens());
    }

    @Test
    void theAnswerKeepsItsTokensButNeverMoreThanAQuarterOfTheWindow() {
        ModelWindows.Window large = window("openai/gpt-4o", NOTHING);
        assertEquals(4096, large.answerTokens());
        assertEquals(123_904, large.promptTokens());

        ModelWindows.Window small = window("openai/tiny", lookup(Map.of("notebookchat.models.openai.tiny.context-window", "2000")));
        assertEquals(500, small.answerTokens());
        assertEquals(1500, small.promptTokens());
    }

    @Test
    void textIsMeasuredConservativelyInBothDirections() {
        ModelWindows.Window window = window("openai/gpt-4o", NOTHING);

        assertEquals(0, window.tokens(""));
        assertEquals(1, window.tokens("abc"));
        assertEquals(2, window.tokens("abcd"), "3.5 characters a token, rounded up");
        assertEquals(286, window.tokens(1000));
        assertEquals(3500, window.characters(1000));
        assertEquals(3, window.characters(1), "rounded down");
        assertEquals(0, window.characters(-5));
    }

    @Test
    void aWindowThatIsNoNumberIsRefusedWithItsSettingsName() {
        var refused = assertThrows(IllegalArgumentException.class, () -> window("openai/gpt-4o",
                lookup(Map.of("notebookchat.models.openai.gpt-4o.context-window", "lots"))));
        assertEquals("notebookchat.models.openai.gpt-4o.context-window must be a whole number of tokens above 0, not 'lots'",
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> window("openai/gpt-4o",
                lookup(Map.of("notebookchat.models.openai.context-window", "0"))));
    }

    private static ModelWindows.Window window(String model, Function<String, Optional<String>> settings) {
        return ModelWindows.window(ModelRef.parse(model), settings, 4096, 3.5);
    }

    private static Function<String, Optional<String>> lookup(Map<String, String> settings) {
        return name -> Optional.ofNullable(settings.get(name));
    }
}
