/**
 * The models that answer: one adapter per wire format (OpenAI-style chat completions, Anthropic
 * Messages, Gemini, Ollama) plus the embedded extractive model, all behind {@code ChatProvider}.
 * Wire formats and their failure modes stay in here; the rest of the code sees text deltas, a
 * finish reason with usage, or one {@code ProviderFailure} with a message a user can act on.
 */
package dev.notebookchat.provider;
