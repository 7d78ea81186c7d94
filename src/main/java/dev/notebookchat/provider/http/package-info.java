/**
 * Models behind HTTP. {@code HttpChatProvider} runs one exchange over the shared, asynchronous
 * {@code java.net.http.HttpClient} (connect, retry before the first token, idle timeouts, cancel) and
 * hands each line of the body to a wire-format parser; the four adapters (OpenAI-compatible,
 * Anthropic, Gemini, Ollama) only build the request and read their format. Wire formats never leave
 * this package.
 */
package dev.notebookchat.provider.http;
