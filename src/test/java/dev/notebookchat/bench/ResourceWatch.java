package dev.notebookchat.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Samples, during one level, the server process (threads, resident memory, CPU time) and this JVM
 * (CPU time, and its threads other than the fake provider's, which keeps one per connection as a real
 * provider's server would, so it does not blur how many threads the client needs).
 */
final class ResourceWatch {

    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final String FAKE_THREAD_NAME = "fake-provider";

    private final ServerProcess server;
    private final ScheduledExecutorService timer;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    private ServerProcess.Sample before = ServerProcess.Sample.NONE;
    private long benchCpuBefore;
    private long startedNanos;
    private double loadBefore;
    private ScheduledFuture<?> ticking;

    // Written by the timer thread only; read after ticking was cancelled and waited for.
    private volatile int serverThreadsMax = -1;
    private volatile long serverRssMax = -1;
    private volatile int clientThreadsMax = -1;

    ResourceWatch(ServerProcess server, ScheduledExecutorService timer) {
        this.server = server;
        this.timer = timer;
    }

    void start() {
        loadBefore = os.getSystemLoadAverage();
        before = server == null ? ServerProcess.Sample.NONE : server.sample();
        serverThreadsMax = before.threads();
        serverRssMax = before.rssKb();
        benchCpuBefore = benchCpuNanos();
        startedNanos = System.nanoTime();
        ticking = timer.scheduleAtFixedRate(this::tick, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    LevelResult.Resources stop() {
        ticking.cancel(false);
        try {
            // A tick already running finishes first: the timer runs one task at a time.
            timer.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the figures are what they are
        }
        tick();
        long wall = System.nanoTime() - startedNanos;
        ServerProcess.Sample after = server == null ? ServerProcess.Sample.NONE : server.sample();
        double serverCpu = -1;
        if (before.cpuTicks() >= 0 && after.cpuTicks() >= 0 && wall > 0) {
            double cpuSeconds = (after.cpuTicks() - before.cpuTicks()) / (double) server.ticksPerSecond();
            serverCpu = 100 * cpuSeconds / (wall / 1e9);
        }
        long benchCpu = benchCpuNanos();
        double benchCpuPercent = benchCpu < 0 || wall <= 0 ? -1 : 100.0 * (benchCpu - benchCpuBefore) / wall;
        return new LevelResult.Resources(before.threads(), serverThreadsMax, mebibytes(before.rssKb()), mebibytes(serverRssMax),
                serverCpu, benchCpuPercent, clientThreadsMax, loadBefore);
    }

    private void tick() {
        if (server != null) {
            ServerProcess.Sample sample = server.sample();
            serverThreadsMax = Math.max(serverThreadsMax, sample.threads());
            serverRssMax = Math.max(serverRssMax, sample.rssKb());
        }
        int client = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info != null && !FAKE_THREAD_NAME.equals(info.getThreadName())) {
                client++;
            }
        }
        clientThreadsMax = Math.max(clientThreadsMax, client);
    }

    private long benchCpuNanos() {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    private static double mebibytes(long kb) {
        return kb < 0 ? -1 : kb / 1024.0;
    }
}
