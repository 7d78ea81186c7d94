/**
 * The provider registry. {@link dev.notebookchat.provider.control.Providers} picks the
 * {@link dev.notebookchat.provider.spi.ChatProvider} for a {@code provider/model} name, reads keys,
 * base URLs, timeouts and retries from MicroProfile Config, and lists the models on offer (asking a
 * configured Ollama which models it holds). It owns the shared HTTP transport and the threads that
 * read provider answers.
 */
package dev.notebookchat.provider.control;
