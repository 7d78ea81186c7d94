package dev.notebookchat.provider.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every HTTP adapter shares: one {@link HttpClient} (its connection pool and selector thread
 * are meant to be reused), the executor that runs parsing and listener callbacks, and the scheduler
 * for idle watchdogs and retry backoff.
 *
 * <p>A transport from {@link #create} marks the tasks it runs, so a body subscriber can tell the
 * executor's threads from the client's selector thread: the JDK hands body chunks to the executor
 * (and reads the socket on its selector thread), so a chunk can be parsed where it arrives instead
 * of being queued to the executor a second time.
 *
 * @param client    sends requests; built with {@code executor} so the JDK's own callbacks run there too
 * @param executor  runs all parsing and every listener callback; never blocked on a socket
 * @param scheduler only times things (watchdogs, backoff) and hands the work to {@code executor}
 */
public record HttpTransport(HttpClient client, Executor executor, ScheduledExecutorService scheduler) {

    /** True while the current thread runs a task of a transport's executor. */
    private static final ThreadLocal<Boolean> ON_EXECUTOR = new ThreadLocal<>();

    public HttpTransport {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Whether the current thread runs a task of a transport made by {@link #create}; never on the
     * client's selector thread, nor for a transport whose executor was handed in unmarked.
     */
    static boolean onExecutor() {
        return ON_EXECUTOR.get() != null;
    }

    /**
     * Builds the one client. It keeps the JDK default version (HTTP/2 with ALPN over TLS); adapters pin
     * HTTP/1.1 per request for {@code http://} bases, because the h2c upgrade the JDK would otherwise
     * attempt confuses several local servers.
     */
    public static HttpTransport create(Executor executor, ScheduledExecutorService scheduler, Duration connectTimeout) {
        Objects.requireNonNull(executor, "executor");
        Executor marked = task -> executor.execute(() -> {
            if (ON_EXECUTOR.get() != null) {
                task.run(); // an executor that runs tasks on the caller's thread
                return;
            }
            ON_EXECUTOR.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                ON_EXECUTOR.remove();
            }
        });
        HttpClient client = HttpClient.newBuilder()
                .executor(marked)
                .connectTimeout(connectTimeout)
                .build();
        return new HttpTransport(client, marked, scheduler);
    }
}
