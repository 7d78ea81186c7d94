package dev.notebookchat.provider.control;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * PLACEHOLDER, to be replaced by the real extractive answerer when the branches meet. It exists so
 * {@link Providers} compiles and names the {@code local} provider with its final constructor; until
 * then every request fails with a clear message.
 */
public final class LocalExtractive implements ChatProvider {

    private final ScheduledExecutorService scheduler;

    public LocalExtractive(ScheduledExecutorService scheduler, Duration tokenDelay) {
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public ProviderStream stream(ProviderRequest request, ProviderListener listener) {
        Object lock = new Object();
        boolean[] cancelled = {false};
        scheduler.execute(() -> {
            synchronized (lock) {
                if (!cancelled[0]) {
                    listener.onFailure(ProviderFailure.unavailable("local", "this build has no local answerer yet."));
                }
            }
        });
        return () -> {
            synchronized (lock) {
                cancelled[0] = true;
            }
        };
    }
}
