package dev.notebookchat.provider.spi;

import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProviderRequestTest {

    @Test
    void printsTheShapeOfTheRequestButNeitherTheKeyNorTheNotebook() {
        ProviderRequest request = new ProviderRequest("gpt-4o-mini", URI.create("https://api.openai.com/v1"),
                "sk-proj-Secret123", "You answer from the notebook.",
                List.of(new PromptMessage(Role.USER, "What is in my diary?")),
                List.of(new ContextDocument("Diary", "Private thoughts")), true);

        assertEquals("ProviderRequest[model=gpt-4o-mini, baseUrl=https://api.openai.com/v1, apiKey=(hidden), "
                + "system=29 characters, messages=1, documents=1, streaming=true]", request.toString());
    }

    @Test
    void saysSoWhenThereIsNoKey() {
        ProviderRequest request = new ProviderRequest("qwen3:0.6b", URI.create("http://localhost:11434"), null, null,
                List.of(), List.of(), false);

        assertEquals("ProviderRequest[model=qwen3:0.6b, baseUrl=http://localhost:11434, apiKey=none, "
                + "system=0 characters, messages=0, documents=0, streaming=false]", request.toString());
    }
}
