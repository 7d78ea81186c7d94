package dev.notebookchat.provider.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every HTTP adapter shares: the {@link HttpClient}s that read the answers, the executor for the
 * rest of an answer's work, and the scheduler for idle watchdogs and retry backoff.
 *
 * <p>A client reads its connections' sockets on one selector thread. A transport from {@link #create}
 * gives each client an executor that runs the JDK's tasks right there, so a body chunk is parsed and
 * its tokens are relayed on the thread that read it, without waking another thread per chunk: the
 * way an event-loop proxy relays. What may wait or needs the container (starting an attempt, retries,
 * idle checks, the end of an answer) runs on {@link #executor()} instead. Several clients spread the
 * answers over several selector threads; each request takes the next client in turn.
 *
 * <p>Those tasks are marked, so a body subscriber can tell that it runs on a relay thread, where a chunk
 * is handled at once, from any other thread, where it queues behind the answer's earlier signals.
 */
public final class HttpTransport {

    /** True while the current thread runs a task of a relaying client. */
    private static final ThreadLocal<Boolean> RELAYING = new ThreadLocal<>();

    private final List<HttpClient> clients;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param clients   send requests and read their answers, taken in turn
     * @param executor  runs an answer's work other than reading its body; never blocked on a socket
     * @param scheduler only times things (watchdogs, backoff) and hands the work to {@code executor}
     */
    public HttpTransport(List<HttpClient> clients, Executor executor, ScheduledExecutorService scheduler) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("at least one client");
        }
        this.clients = List.copyOf(clients);
        this.executor = Objects.requireNonNull(executor, "executor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Builds {@code relays} clients that relay on their selector threads. They keep the JDK default
     * version (HTTP/2 with ALPN over TLS); adapters pin HTTP/1.1 per request for {@code http://} bases,
     * because the h2c upgrade the JDK would otherwise attempt confuses several local servers.
     */
    public static HttpTransport create(int relays, Executor executor, ScheduledExecutorService scheduler, Duration connectTimeout) {
        if (relays < 1) {
            throw new IllegalArgumentException("relays must be at least 1: " + relays);
        }
        Executor relaying = task -> {
            if (RELAYING.get() != null) {
                task.run();
                return;
            }
            RELAYING.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                RELAYING.remove();
            }
        };
        HttpClient[] clients = new HttpClient[relays];
        for (int i = 0; i < relays; i++) {
            clients[i] = HttpClient.newBuilder()
                    .executor(relaying)
                    .connectTimeout(connectTimeout)
                    .build();
        }
        return new HttpTransport(List.of(clients), executor, scheduler);
    }

    /** Whether the current thread runs a task of a relaying client made by {@link #create}. */
    static boolean relaying() {
        return RELAYING.get() != null;
    }

    /** The client for the next request. */
    public HttpClient client() {
        return clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
    }

    public Executor executor() {
        return executor;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
