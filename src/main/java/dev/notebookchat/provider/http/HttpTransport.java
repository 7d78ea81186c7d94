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
 * @param client    sends requests; built with {@code executor} so the JDK's own callbacks run there too
 * @param executor  runs all parsing and every listener callback; never blocked on a socket
 * @param scheduler only times things (watchdogs, backoff) and hands the work to {@code executor}
 */
public record HttpTransport(HttpClient client, Executor executor, ScheduledExecutorService scheduler) {

    public HttpTransport {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Builds the one client. It keeps the JDK default version (HTTP/2 with ALPN over TLS); adapters pin
     * HTTP/1.1 per request for {@code http://} bases, because the h2c upgrade the JDK would otherwise
     * attempt confuses several local servers.
     */
    public static HttpTransport create(Executor executor, ScheduledExecutorService scheduler, Duration connectTimeout) {
        HttpClient client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(connectTimeout)
                .build();
        return new HttpTransport(client, executor, scheduler);
    }
}
