package dev.notebookchat.security.control;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CredentialsTest {

    @Test
    void everyRemoteProviderTakesAKey() {
        for (String provider : new String[]{"openai", "anthropic", "groq", "google", "mistral", "deepseek", "ollama", "openrouter"}) {
            assertEquals(Optional.empty(), Credentials.refusal(provider), provider);
        }
    }

    @Test
    void theLocalProviderTakesNoKey() {
        assertEquals(Optional.of("The local provider runs on this server and takes no key."), Credentials.refusal("local"));
    }

    @Test
    void anUnknownProviderIsAnsweredWithTheListNotEchoed() {
        assertEquals(Optional.of("provider must be one of openai, anthropic, groq, google, mistral, deepseek, ollama, openrouter."),
                Credentials.refusal("OpenAI"));
    }
}
