package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.operations.control.ChatMetrics;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/** Connects an SSE response to a turn, from a given event on. */
@ApplicationScoped
public class EventStreams {

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "notebookchat.stream.heartbeat", defaultValue = "15")
    double heartbeatSeconds;

    public void follow(Turn turn, long fromIndex, SseEventSink sink, Sse sse, HttpServletResponse response) {
        // Proxies must pass each event on at once and leave the stream unchanged.
        response.setHeader("Cache-Control", "no-cache, no-transform");
        response.setHeader("X-Accel-Buffering", "no");
        metrics.streamOpened();
        turn.follow(new SseFollower(turn, sink, sse, fromIndex, scheduler, Duration.ofMillis((long) (heartbeatSeconds * 1000)),
                metrics::streamClosed));
    }
}
