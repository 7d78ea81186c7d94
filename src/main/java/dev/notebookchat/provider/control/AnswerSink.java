package dev.notebookchat.provider.control;

/**
 * What a wire-format parser reports. The exchange behind it drops anything after the first terminal
 * report, so parsers need not track that themselves.
 */
interface AnswerSink {

    /** Answer text; empty pieces are dropped. */
    void token(String text);

    /** The provider's end marker arrived. {@code finishReason} is the provider's own word, or {@code null}. */
    void complete(String finishReason, Usage usage);

    void fail(ProviderFailure failure);
}
