package dev.notebookchat.provider.spi;

import java.net.URI;
import java.util.List;

/**
 * One question for a provider.
 *
 * @param model     the model part of {@code provider/model}
 * @param baseUrl   the provider's API base, e.g. {@code https://api.openai.com/v1}
 * @param apiKey    the key to send, or {@code null} for providers that need none
 * @param system    the system prompt: instructions and the notebook context, rendered
 * @param messages  the conversation so far, oldest first, ending with the user's new message
 * @param documents the notebook context as separate documents, for models that work on them directly
 * @param streaming {@code false} asks the provider for one whole JSON answer instead of a stream
 */
public record ProviderRequest(String model, URI baseUrl, String apiKey, String system,
                              List<PromptMessage> messages, List<ContextDocument> documents, boolean streaming) {

    public ProviderRequest {
        messages = List.copyOf(messages);
        documents = List.copyOf(documents);
    }

    /**
     * A record prints every component, and this one would print the key (and the user's notebook):
     * a log line gets the shape of the request only.
     */
    @Override
    public String toString() {
        return "ProviderRequest[model=" + model + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(hidden)")
                + ", system=" + (system == null ? 0 : system.length()) + " characters, messages=" + messages.size()
                + ", documents=" + documents.size() + ", streaming=" + streaming + "]";
    }

    /** The user's latest message. */
    public String question() {
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1).content();
    }

    public record PromptMessage(Role role, String content) {
    }

    public enum Role { USER, ASSISTANT }

    /** A source or note of the notebook as it enters the context. */
    public record ContextDocument(String title, String text) {
    }
}
