package dev.notebookchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The server's process, watched from outside: thread count, resident memory and CPU time from
 * {@code /proc} (Linux), or thread count and memory from {@code ps} elsewhere. Nothing in the server
 * has to be enabled for it, and a sample costs two small file reads.
 */
final class ServerProcess {

    /** One look at the process; a figure that could not be read is -1. */
    record Sample(long nanoTime, int threads, long rssKb, long cpuTicks) {
        static final Sample NONE = new Sample(0, -1, -1, -1);
    }

    private static final Path PROC = Path.of("/proc");

    private final long pid;
    private final String javaCommand;
    private final long ticksPerSecond;

    private ServerProcess(long pid, String javaCommand) {
        this.pid = pid;
        this.javaCommand = javaCommand;
        this.ticksPerSecond = clockTicksPerSecond();
    }

    /**
     * The given pid; else the one in Liberty's pid file; else the Java process whose command line names
     * {@code serverName}. Empty if none is found.
     */
    static Optional<ServerProcess> find(long pid, Path pidFile, String serverName) {
        if (pid <= 0 && pidFile != null && Files.isReadable(pidFile)) {
            try {
                pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.ISO_8859_1).strip());
            } catch (IOException | NumberFormatException unreadable) {
                pid = 0;
            }
        }
        if (pid > 0 && ProcessHandle.of(pid).isPresent()) {
            return Optional.of(new ServerProcess(pid, commandLine(pid).map(args -> args.get(0)).orElse("?")));
        }
        for (long candidate : candidates()) {
            if (candidate == ProcessHandle.current().pid()) {
                continue;
            }
            Optional<List<String>> args = commandLine(candidate);
            if (args.isPresent() && isLibertyServer(args.get(), serverName)) {
                return Optional.of(new ServerProcess(candidate, args.get().get(0)));
            }
        }
        return Optional.empty();
    }

    /** Liberty's launcher runs {@code java ... -jar .../ws-server.jar <serverName> ...}. */
    private static boolean isLibertyServer(List<String> args, String serverName) {
        return !args.isEmpty() && args.get(0).endsWith("java")
                && args.stream().anyMatch(arg -> arg.endsWith("ws-server.jar"))
                && args.contains(serverName);
    }

    long pid() {
        return pid;
    }

    String javaCommand() {
        return javaCommand;
    }

    long ticksPerSecond() {
        return ticksPerSecond;
    }

    Sample sample() {
        long now = System.nanoTime();
        Path dir = PROC.resolve(Long.toString(pid));
        if (Files.isDirectory(dir)) {
            try {
                int threads = -1;
                long rss = -1;
                for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("Threads:")) {
                        threads = Integer.parseInt(line.substring(8).strip());
                    } else if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                    }
                }
                // Fields after the command name (which may contain spaces) start after the last ')'.
                String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long cpu = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                return new Sample(now, threads, rss, cpu);
            } catch (IOException | RuntimeException gone) {
                return Sample.NONE;
            }
        }
        return fromPs(now);
    }

    private Sample fromPs(long now) {
        List<String> out = run("ps", "-o", "nlwp=,rss=", "-p", Long.toString(pid));
        if (out.isEmpty()) {
            return Sample.NONE;
        }
        String[] fields = out.get(0).strip().split("\\s+");
        try {
            return new Sample(now, Integer.parseInt(fields[0]), Long.parseLong(fields[1]), -1);
        } catch (RuntimeException unreadable) {
            return Sample.NONE;
        }
    }

    private static long[] candidates() {
        if (Files.isDirectory(PROC)) {
            try (var entries = Files.list(PROC)) {
                return entries.map(p -> p.getFileName().toString()).filter(name -> name.matches("\\d+"))
                        .mapToLong(Long::parseLong).toArray();
            } catch (IOException e) {
                return new long[0];
            }
        }
        return ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).toArray();
    }

    private static Optional<List<String>> commandLine(long pid) {
        Path cmdline = PROC.resolve(Long.toString(pid)).resolve("cmdline");
        if (Files.isReadable(cmdline)) {
            try {
                String text = Files.readString(cmdline, StandardCharsets.UTF_8);
                return text.isEmpty() ? Optional.empty() : Optional.of(Arrays.asList(text.split("\0")));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        // Without /proc, ps gives the arguments as one line; good enough to match the server's name.
        List<String> out = run("ps", "-o", "args=", "-p", Long.toString(pid));
        return out.isEmpty() ? Optional.empty() : Optional.of(Arrays.asList(out.get(0).strip().split("\\s+")));
    }

    private static long clockTicksPerSecond() {
        List<String> out = run("getconf", "CLK_TCK");
        try {
            return out.isEmpty() ? 100 : Long.parseLong(out.get(0).strip());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    private static List<String> run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return List.of();
            }
            return lines;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
