package dev.notebookchat.operations.control;

import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderListener;
import dev.notebookchat.provider.spi.Usage;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches one turn from its start to its end. It stands between the provider and the turn's own
 * listener, passing every call on unchanged, so it sees the first token, the token count, retries and
 * a provider's failure kind without the turn knowing; the turn's end is reported by {@link #ended}.
 *
 * <p>Provider callbacks are serialised, and the turn ends after the last of them, so the counts need
 * no lock; they are volatile because the end is reported on another thread.
 */
public final class TurnWatch implements ProviderListener {

    private final String sessionId;
    private final String messageId;
    private final String userId;
    private final String provider;
    private final String model;
    private final long startNanos;
    private final BooleanSupplier shuttingDown;
    private final Consumer<TurnReport> reports;

    private volatile ProviderListener listener;
    private volatile long firstTokenNanos;
    private volatile long tokens;
    private volatile int retries;
    private volatile ProviderFailure.Kind failure;
    private volatile boolean reported;

    TurnWatch(String sessionId, String messageId, String userId, String provider, String model,
              BooleanSupplier shuttingDown, Consumer<TurnReport> reports) {
        this.sessionId = sessionId;
        this.messageId = messageId;
        this.userId = userId;
        this.provider = provider;
        this.model = model;
        this.shuttingDown = shuttingDown;
        this.reports = reports;
        this.startNanos = System.nanoTime();
    }

    /** This watch in front of {@code turn}: hand the result to the provider instead of the turn. */
    public ProviderListener listening(ProviderListener turn) {
        this.listener = turn;
        return this;
    }

    @Override
    public void onToken(String text) {
        if (tokens++ == 0) {
            firstTokenNanos = System.nanoTime();
        }
        listener.onToken(text);
    }

    /** Passed on: the turn cites the passages the answer quotes. */
    @Override
    public void onQuoted(java.util.List<Integer> documents) {
        listener.onQuoted(documents);
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        listener.onComplete(finishReason, usage);
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        this.failure = failure.kind();
        listener.onFailure(failure);
    }

    @Override
    public void onRetry() {
        retries++;
        listener.onRetry();
    }

    /** The turn ended with {@code terminal}, its {@code complete} or {@code error} event; reported once. */
    public void ended(ChatEvent terminal) {
        if (reported) {
            return;
        }
        reported = true;
        String outcome;
        String kind = "none";
        if (terminal instanceof ChatEvent.Complete complete) {
            outcome = "stopped".equals(complete.finishReason()) ? "stopped" : "complete";
        } else if (failure != null) {
            outcome = "error";
            kind = failure.name().toLowerCase(Locale.ROOT);
        } else if (shuttingDown.getAsBoolean()) {
            outcome = "interrupted";
        } else {
            // the provider could not start, or the answer could not be saved
            outcome = "error";
            kind = "server";
        }
        long first = firstTokenNanos;
        Optional<Duration> firstToken = tokens > 0 ? Optional.of(Duration.ofNanos(first - startNanos)) : Optional.empty();
        reports.accept(new TurnReport(sessionId, messageId, userId, provider, model, outcome, kind, firstToken,
                tokens, retries, Duration.ofNanos(System.nanoTime() - startNanos)));
    }
}
