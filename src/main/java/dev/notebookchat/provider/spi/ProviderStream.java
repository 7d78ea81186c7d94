package dev.notebookchat.provider.spi;

/** A running provider answer. */
public interface ProviderStream {

    /**
     * Aborts the answer at any moment, before the first byte included, and closes the provider
     * connection. Idempotent; once it returns, the listener hears nothing more.
     */
    void cancel();
}
