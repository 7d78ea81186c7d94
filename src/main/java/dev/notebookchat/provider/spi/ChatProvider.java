package dev.notebookchat.provider.spi;

/**
 * A model provider that answers a prompt as a stream of text deltas.
 *
 * <p>{@link #stream} returns at once; the answer arrives on the {@link ProviderListener} from other
 * threads. Implementations never park a thread on a socket: they read asynchronously and hand
 * parsing to the executor they were built with.
 */
public interface ChatProvider {

    /** The provider part of a {@code provider/model} name, e.g. {@code openai}. */
    String name();

    /**
     * Starts answering {@code request}. Callbacks on {@code listener} never overlap, and exactly one
     * terminal callback ({@code onComplete} or {@code onFailure}) follows unless the returned stream
     * is cancelled first.
     */
    ProviderStream stream(ProviderRequest request, ProviderListener listener);
}
