package dev.notebookchat.provider.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** Sessions and turns both word a refusal with this, so a session never keeps a name every turn would refuse. */
    @Test
    void refusesAProviderNameWithCapitalsAndSaysWhy() {
        IllegalArgumentException why = assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("OpenAI/gpt-4o"));

        assertEquals("model_override 'OpenAI/gpt-4o' is not a model name: \"OpenAI\" is not a provider name "
                + "(lower-case letters, digits, _ and -)", ModelRef.refusal("OpenAI/gpt-4o", why));
    }
}
