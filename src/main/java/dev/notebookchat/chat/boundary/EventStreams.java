package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.operations.control.ChatMetrics;
import dev.notebookchat.platform.Seconds;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Connects an SSE response to a turn, from a given event on. Each open stream holds a connection,
 * a follower and its timer, so a user may have only so many open, and a turn only so many followers.
 */
@ApplicationScoped
public class EventStreams {

    /** Streams end with their turns, within minutes at most: a few seconds is a fair wait. */
    static final long RETRY_AFTER_SECONDS = 5;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "notebookchat.stream.heartbeat", defaultValue = "15")
    double heartbeatSeconds;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "notebookchat.stream.max-open-per-user", defaultValue = "20")
    int maxOpenPerUser;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-followers-per-turn", defaultValue = "20")
    int maxFollowersPerTurn;

    private final ConcurrentMap<String, Integer> openByUser = new ConcurrentHashMap<>();

    /**
     * Takes one of the user's streams before {@code turn} is asked for, so a refused stream starts no
     * turn, then follows it; every way this stream ends gives the user's stream back.
     */
    public void follow(String user, Supplier<Turn> turn, long fromIndex, SseEventSink sink, Sse sse, HttpServletResponse response) {
        open(user);
        metrics.streamOpened();
        Runnable release = () -> {
            close(user);
            metrics.streamClosed();
        };
        boolean following = false;
        try {
            Turn followed = turn.get();
            // Proxies must pass each event on at once and leave the stream unchanged.
            response.setHeader("Cache-Control", "no-cache, no-transform");
            response.setHeader("X-Accel-Buffering", "no");
            SseFollower follower = new SseFollower(followed, sink, sse, fromIndex, scheduler,
                    Seconds.atLeast(Duration.ZERO, heartbeatSeconds), System::nanoTime, release);
            if (!followed.follow(follower, maxFollowersPerTurn)) {
                throw tooMany("This answer already has " + maxFollowersPerTurn
                        + " streams following it, the most allowed. Close one and try again.");
            }
            following = true;
        } finally {
            if (!following) {
                release.run();
            }
        }
    }

    /** Streams the user has open now. */
    int openBy(String user) {
        return openByUser.getOrDefault(user, 0);
    }

    private void open(String user) {
        boolean[] refused = {false};
        openByUser.compute(user, (u, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxOpenPerUser) {
                refused[0] = true;
                return count;
            }
            return now + 1;
        });
        if (refused[0]) {
            throw tooMany("You already have " + maxOpenPerUser + " answer streams open, the most one user may have. "
                    + "Close one and try again.");
        }
    }

    private void close(String user) {
        openByUser.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
    }

    private static ClientErrorException tooMany(String message) {
        return new ClientErrorException(message,
                Response.status(429).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build());
    }
}
