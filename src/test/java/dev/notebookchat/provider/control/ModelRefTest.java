package dev.notebookchat.provider.control;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelRefTest {

    @Test
    void splitsAtTheFirstSlash() {
        assertEquals(new ModelRef("openai", "gpt-4o-mini"), ModelRef.parse("openai/gpt-4o-mini"));
        assertEquals(new ModelRef("openrouter", "openai/gpt-4o-mini"), ModelRef.parse("openrouter/openai/gpt-4o-mini"));
        assertEquals(new ModelRef("ollama", "qwen3:0.6b"), ModelRef.parse("ollama/qwen3:0.6b"));
        assertEquals("openrouter/openai/gpt-4o-mini", ModelRef.parse("openrouter/openai/gpt-4o-mini").id());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "openai", "openai/", "/gpt-4o", "OpenAI/gpt-4o", "open ai/gpt-4o", "openai/gpt 4o",
            "openai/gpt-4o ", "openrouter/openai/", "openrouter//gpt", "openai/\n"})
    void rejectsMalformedNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse(name));
    }
}
