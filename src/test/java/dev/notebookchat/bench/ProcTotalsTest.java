package dev.notebookchat.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcTotalsTest {

    private static final long TICKS = 100;

    /** This JVM has the compiler threads the warm-up watches, under the names /proc gives them. */
    @Test
    void findsTheCompilerThreadsOfARunningJvm() {
        long self = ProcessHandle.current().pid();
        long nanos = ProcTotals.compilerNanos(List.of(self), TICKS);
        assertTrue(nanos >= 0, "no C1 or C2 compiler thread found in /proc/" + self + "/task: " + nanos);
        assertEquals(0, nanos % (1_000_000_000L / TICKS), "whole clock ticks: " + nanos);
    }

    @Test
    void aProcessThatIsGoneHasNoFigure() {
        assertEquals(-1, ProcTotals.compilerNanos(List.of(Long.MAX_VALUE), TICKS));
    }
}
