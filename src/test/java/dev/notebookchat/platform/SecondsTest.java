package dev.notebookchat.platform;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecondsTest {

    @Test
    void wholeAndFractionalSecondsAreKeptToTheNanosecond() {
        assertEquals(Duration.ofSeconds(600), Seconds.atLeast(Duration.ZERO, 600));
        assertEquals(Duration.ofMillis(500), Seconds.atLeast(Duration.ZERO, 0.5));
        assertEquals(Duration.ofNanos(1_250_000), Seconds.atLeast(Duration.ZERO, 0.00125));
    }

    @Test
    void lessThanTheFloorIsTheFloor() {
        assertEquals(Duration.ofMillis(100), Seconds.atLeast(Duration.ofMillis(100), 0.05));
        assertEquals(Duration.ofMillis(100), Seconds.atLeast(Duration.ofMillis(100), -3));
        assertEquals(Duration.ZERO, Seconds.atLeast(Duration.ZERO, -0.5));
        assertEquals(Duration.ofMillis(1), Seconds.atLeast(Duration.ofMillis(1), Double.NaN));
        assertEquals(Duration.ofMillis(100), Seconds.atLeast(Duration.ofMillis(100), 0.1), "the floor itself is accepted");
    }

    @Test
    void moreThanADurationHoldsInNanosecondsIsThatMuch() {
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), Seconds.atLeast(Duration.ZERO, 1e300));
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), Seconds.atLeast(Duration.ZERO, Double.POSITIVE_INFINITY));
    }
}
