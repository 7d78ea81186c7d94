/**
 * The embedded {@code local/extractive} model: it answers from the notebook itself, inside the server,
 * with no network and no key. {@code ExtractiveAnswer} splits the sources into sentences and ranks them
 * against the question with BM25; {@code LocalExtractive} streams the chosen sentences a word at a time
 * on the shared scheduler, so the rest of the application cannot tell it from a remote model.
 */
package dev.notebookchat.provider.local;
