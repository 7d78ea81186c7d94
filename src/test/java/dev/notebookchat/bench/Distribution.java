package dev.notebookchat.bench;

import java.util.Arrays;

/** Durations in nanoseconds, summarised by nearest-rank percentiles. */
final class Distribution {

    private long[] values = new long[256];
    private int count;

    void add(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = nanos;
    }

    void addAll(long[] nanos) {
        for (long value : nanos) {
            add(value);
        }
    }

    int count() {
        return count;
    }

    /** The summary in milliseconds; all -1 when nothing was measured. */
    Summary summary() {
        if (count == 0) {
            return Summary.NONE;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return new Summary(count, millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.95)),
                millis(percentile(sorted, 0.99)), millis(sorted[sorted.length - 1]));
    }

    /** The smallest value that at least {@code p} of all values do not exceed. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    record Summary(int count, double p50, double p95, double p99, double max) {
        static final Summary NONE = new Summary(0, -1, -1, -1, -1);
    }
}
