package dev.notebookchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a set of processes uses, summed, from {@code /proc} (Linux only): CPU time (user + system, in
 * clock ticks, of the processes themselves, not of children they waited for), resident memory,
 * threads and open file descriptors. A figure that could not be read is -1.
 */
record ProcTotals(long cpuTicks, long rssKb, int threads, int openFiles) {

    static final ProcTotals NONE = new ProcTotals(-1, -1, -1, -1);

    static ProcTotals of(List<Long> pids) {
        long cpu = 0;
        long rss = 0;
        int threads = 0;
        int files = 0;
        boolean any = false;
        for (long pid : pids) {
            Path dir = Path.of("/proc", Long.toString(pid));
            try {
                String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                cpu += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("Threads:")) {
                        threads += Integer.parseInt(line.substring(8).strip());
                    } else if (line.startsWith("VmRSS:")) {
                        rss += Long.parseLong(line.substring(6).replace("kB", "").strip());
                    }
                }
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
