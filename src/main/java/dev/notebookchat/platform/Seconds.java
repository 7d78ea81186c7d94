package dev.notebookchat.platform;

import java.time.Duration;

/**
 * Every duration in the configuration is a number of seconds, fractions allowed ({@code 0.5}). This is
 * where one becomes a {@link Duration}, so that each setting is read alike: to the nanosecond, and
 * never below the floor its use needs (a timer that fires again at once, a lease that never holds).
 */
public final class Seconds {

    private Seconds() {
    }

    /**
     * {@code seconds} as a duration, or {@code floor} when it is less (or not a number). A value past
     * what a duration holds in nanoseconds, some 292 years, is that much.
     */
    public static Duration atLeast(Duration floor, double seconds) {
        if (Double.isNaN(seconds)) {
            return floor;
        }
        Duration duration = Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
        return duration.compareTo(floor) < 0 ? floor : duration;
    }
}
