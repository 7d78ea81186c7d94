package dev.notebookchat.provider.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How patient an adapter is with a provider.
 *
 * <p>{@code HttpRequest.timeout} only covers the response headers, so a stalled body is caught by an
 * idle watchdog instead: before the first token the provider may think for a while (queueing, long
 * prompts, reasoning), after it a long silence means the stream is stuck.
 *
 * @param firstTokenTimeout    longest silence before the first answer token, counted per attempt
 * @param betweenTokensTimeout longest silence once the answer has started
 * @param maxAttempts          attempts for a 429/5xx answer before the first token, the first included
 * @param initialBackoff       wait before the second attempt; doubled for each further attempt
 * @param maxBackoff           cap for any wait between attempts, {@code Retry-After} included, so a
 *                             user is never left waiting minutes on a provider that asks for it
 */
public record ProviderSettings(Duration firstTokenTimeout, Duration betweenTokensTimeout,
                               int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final ProviderSettings DEFAULTS = new ProviderSettings(
            Duration.ofSeconds(60), Duration.ofSeconds(30), 3, Duration.ofMillis(500), Duration.ofSeconds(10));

    public ProviderSettings {
        Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
        Objects.requireNonNull(betweenTokensTimeout, "betweenTokensTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (firstTokenTimeout.isNegative() || firstTokenTimeout.isZero()
                || betweenTokensTimeout.isNegative() || betweenTokensTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeouts must be positive");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative");
        }
    }

    /** The wait before attempt {@code nextAttempt} (2 for the first retry), honouring the provider's wish up to the cap. */
    public Duration backoff(int nextAttempt, Duration retryAfter) {
        Duration wait;
        if (retryAfter != null) {
            wait = retryAfter;
        } else {
            int doublings = Math.min(Math.max(nextAttempt - 2, 0), 20);
            wait = initialBackoff.multipliedBy(1L << doublings);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
