package dev.notebookchat.provider.control;

/**
 * A provider as the model picker shows it.
 *
 * @param name        e.g. {@code openai}
 * @param displayName e.g. {@code OpenAI}
 * @param needsKey    whether a turn needs an API key (own or server-wide) for it
 * @param streaming   whether it answers token by token (models listed in
 *                    {@code notebookchat.models.non-streaming} still answer whole)
 */
public record ProviderInfo(String name, String displayName, boolean needsKey, boolean streaming) {
}
