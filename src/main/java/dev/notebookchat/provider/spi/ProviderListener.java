package dev.notebookchat.provider.spi;

/** Receives one provider answer. Calls are serialised; see {@link ChatProvider#stream}. */
public interface ProviderListener {

    /** A piece of the answer text, never empty. Reasoning or thinking text never arrives here. */
    void onToken(String text);

    /** The provider finished the answer; {@code finishReason} is e.g. {@code stop} or {@code length}. */
    void onComplete(String finishReason, Usage usage);

    /** The answer failed; partial text already delivered stays valid. */
    void onFailure(ProviderFailure failure);

    /**
     * The documents of the request ({@link ProviderRequest#documents}, by index) that the answer quotes,
     * best first; told before {@link #onComplete} by a model that answers from the documents themselves,
     * so the answer cites exactly the passages it quotes. Remote models do not tell.
     */
    default void onQuoted(java.util.List<Integer> documents) {
    }

    /** The request is being sent again (a busy provider, or a connection closed before it answered); counted, nothing else. */
    default void onRetry() {
    }
}
