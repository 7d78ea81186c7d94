package dev.notebookchat.provider.control;

/**
 * A provider as the model picker shows it.
 *
 * @param name        e.g. {@code openai}
 * @param displayName e.g. {@code OpenAI}
 * @param needsKey    whether a turn needs an API key (own or server-wide) for it
 */
public record ProviderInfo(String name, String displayName, boolean needsKey) {
}
