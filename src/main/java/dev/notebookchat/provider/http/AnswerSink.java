package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.Usage;

/**
 * What a wire-format parser reports. The exchange behind it drops anything after the first terminal
 * report, so parsers need not track that themselves.
 *
 * <p>Only {@link #token} and {@link #reasoning} count as progress for the idle timeouts: a frame that
 * carries neither (a comment, a ping event, a chunk with an empty delta, a usage-only chunk) keeps the
 * connection open but does not show that the model is still working on the answer.
 */
interface AnswerSink {

    /** Answer text; empty pieces are dropped. */
    void token(String text);

    /**
     * Reasoning or thinking text, which never becomes part of the answer. It counts as progress, so a
     * model that thinks for minutes before answering is not cut off while it visibly thinks; empty
     * pieces are dropped.
     */
    void reasoning(String text);

    /** The provider's end marker arrived. {@code finishReason} is the provider's own word, or {@code null}. */
    void complete(String finishReason, Usage usage);

    void fail(ProviderFailure failure);
}
