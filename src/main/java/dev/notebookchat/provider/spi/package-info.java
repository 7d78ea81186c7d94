/**
 * The contract every model implements and everything the rest of the application sees of one:
 * {@link dev.notebookchat.provider.spi.ChatProvider} streams an answer for a
 * {@link dev.notebookchat.provider.spi.ProviderRequest} to a
 * {@link dev.notebookchat.provider.spi.ProviderListener} as text deltas, then a finish reason with
 * {@link dev.notebookchat.provider.spi.Usage}, or one
 * {@link dev.notebookchat.provider.spi.ProviderFailure} with a message a user can act on.
 */
package dev.notebookchat.provider.spi;
