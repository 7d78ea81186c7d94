package dev.notebookchat.provider.spi;

/** Receives one provider answer. Calls are serialised; see {@link ChatProvider#stream}. */
public interface ProviderListener {

    /** A piece of the answer text, never empty. Reasoning or thinking text never arrives here. */
    void onToken(String text);

    /** The provider finished the answer; {@code finishReason} is e.g. {@code stop} or {@code length}. */
    void onComplete(String finishReason, Usage usage);

    /** The answer failed; partial text already delivered stays valid. */
    void onFailure(ProviderFailure failure);

    /** The request is being sent again (a busy provider, or a connection closed before it answered); counted, nothing else. */
    default void onRetry() {
    }
}
