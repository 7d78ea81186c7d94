/**
 * Talking to model providers. {@link dev.notebookchat.provider.control.Providers} picks the
 * {@link dev.notebookchat.provider.control.ChatProvider} for a {@code provider/model} name from
 * MicroProfile Config; four adapters speak the four wire formats (OpenAI-compatible, Anthropic,
 * Gemini, Ollama) over one shared, asynchronous {@code java.net.http.HttpClient}, and every way an
 * answer can fail becomes a {@link dev.notebookchat.provider.control.ProviderFailure} in one place.
 * Wire formats never leave this package: the rest of the application sees tokens, a finish reason
 * and usage.
 */
package dev.notebookchat.provider.control;
