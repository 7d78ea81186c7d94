package dev.notebookchat.it;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for what the server does after it has answered (a log line, a gauge, a saved answer):
 * asked again every 50 ms until it is there, failing loudly once the deadline has passed.
 */
public final class Await {

    static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} after {@code within}. */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        until(() -> what, within, condition);
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, with a message made at the deadline (say what was seen last). */
    public static void until(Supplier<String> what, Duration within, BooleanSupplier condition) {
        value(what, within, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** The first value {@code probe} finds; fails with {@code what} after {@code within}. */
    public static <T> T value(String what, Duration within, Supplier<Optional<T>> probe) {
        return value(() -> what, within, probe);
    }

    private static <T> T value(Supplier<String> what, Duration within, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds(within) + ": " + what.get());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            }
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
