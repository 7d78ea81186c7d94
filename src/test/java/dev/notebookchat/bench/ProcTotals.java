package dev.notebookchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a set of processes uses, summed, from {@code /proc} (Linux only): CPU time (of the processes
 * themselves, not of children they waited for), resident memory, threads and open file descriptors.
 * A figure that could not be read is -1.
 *
 * <p>CPU time is user + system from {@code stat}, which counts in clock ticks (10 ms) and includes
 * threads that have ended; for a single-threaded process (an nginx worker) it is the scheduler's
 * run time from {@code schedstat} instead, in nanoseconds, as a few ticks would be too coarse to
 * divide by the tokens nginx relays in a short load.
 */
record ProcTotals(long cpuNanos, long rssKb, int threads, int openFiles) {

    static final ProcTotals NONE = new ProcTotals(-1, -1, -1, -1);

    static ProcTotals of(List<Long> pids, long ticksPerSecond) {
        long cpu = 0;
        long rss = 0;
        int threads = 0;
        int files = 0;
        boolean any = false;
        for (long pid : pids) {
            Path dir = Path.of("/proc", Long.toString(pid));
            try {
                long ticks = cpuTicks(dir.resolve("stat"));
                int own = 0;
                for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("Threads:")) {
                        own = Integer.parseInt(line.substring(8).strip());
                    } else if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.substring(6).replace("kB", "").strip());
                    }
                }
                threads += own;
                long scheduled = own == 1 ? schedulerNanos(dir) : -1;
                cpu += scheduled >= 0 ? scheduled : ticks * 1_000_000_000L / ticksPerSecond;
                try (Stream<Path> fds = Files.list(dir.resolve("fd"))) {
                    files += (int) fds.count();
                }
                any = true;
            } catch (IOException | RuntimeException gone) {
                // a process that ended or cannot be read adds nothing
            }
        }
        return any ? new ProcTotals(cpu, rss, threads, files) : NONE;
    }

    /** The first field of {@code schedstat}: nanoseconds on a CPU (the process's main thread); -1 if unreadable. */
    private static long schedulerNanos(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("schedstat"), StandardCharsets.ISO_8859_1).strip().split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time of the JVMs' just-in-time compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}
     * as {@code comm} shows them), summed over {@code pids}, in nanoseconds; -1 if none could be read.
     * Compiler threads that ended are not counted: a JVM may stop idle ones.
     */
    static long compilerNanos(List<Long> pids, long ticksPerSecond) {
        long ticks = 0;
        boolean any = false;
        for (long pid : pids) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String name = Files.readString(task.resolve("comm"), StandardCharsets.ISO_8859_1);
                        if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                            continue;
                        }
                        ticks += cpuTicks(task.resolve("stat"));
                        any = true;
                    } catch (IOException | RuntimeException ended) {
                        // a thread that ended while listed adds nothing
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // a process that ended or cannot be read adds nothing
            }
        }
        return any ? ticks * 1_000_000_000L / ticksPerSecond : -1;
    }

    /** User + system time from a process's or thread's {@code stat} file, in clock ticks. */
    private static long cpuTicks(Path stat) throws IOException {
        String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The system's 1-, 5- and 15-minute load averages, as /proc/loadavg has them. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.ISO_8859_1).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
