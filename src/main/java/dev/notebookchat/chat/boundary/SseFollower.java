package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.control.Turn;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a turn's events to one SSE client, one event at a time.
 *
 * <p>Liberty queues writes from non-request threads without bound, so the next event is sent only
 * when the previous write has completed: a slow client falls behind in the turn's log instead of
 * growing a queue in the server. A client that leaves is noticed when a write fails, and its
 * follower simply stops; the turn goes on. When nothing was written for the heartbeat interval a
 * {@code : keep-alive} comment keeps proxies from closing the connection.
 */
final class SseFollower implements Turn.Follower {

    private static final Logger LOG = Logger.getLogger(SseFollower.class.getName());

    private final Turn turn;
    private final SseEventSink sink;
    private final Sse sse;
    private final long heartbeatNanos;
    private final ScheduledFuture<?> heartbeat;
    private final Runnable onClosed;

    private long cursor;
    private boolean writing;
    private boolean done;
    private long lastWrite = System.nanoTime();

    /**
     * @param fromIndex the log index of the first event to send ({@code Last-Event-ID} of a resuming client)
     * @param onClosed  told once, when this follower closes the stream
     */
    SseFollower(Turn turn, SseEventSink sink, Sse sse, long fromIndex, ScheduledExecutorService scheduler, Duration heartbeatInterval,
                Runnable onClosed) {
        this.turn = turn;
        this.onClosed = onClosed;
        this.sink = sink;
        this.sse = sse;
        this.cursor = fromIndex;
        this.heartbeatNanos = heartbeatInterval.toNanos();
        long periodMillis = Math.max(1, heartbeatInterval.toMillis());
        this.heartbeat = scheduler.scheduleAtFixedRate(this::heartbeat, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void wake() {
        // Writes that complete at once are looped here rather than recursing through their callbacks.
        while (!writing && !done) {
            Optional<Numbered> next = turn.eventAt(cursor);
            if (next.isEmpty()) {
                if (turn.ended()) {
                    finish();
                }
                return;
            }
            cursor++;
            Numbered numbered = next.get();
            OutboundSseEvent event = sse.newEventBuilder()
                    .id(Long.toString(numbered.id()))
                    .mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(JsonObject.class, numbered.event().toJson())
                    .build();
            write(event);
        }
    }

    private synchronized void heartbeat() {
        if (!writing && !done && System.nanoTime() - lastWrite >= heartbeatNanos) {
            write(sse.newEventBuilder().comment("keep-alive").build());
        }
    }

    /** Called with the monitor held. */
    private void write(OutboundSseEvent event) {
        CompletionStage<?> written;
        try {
            written = sink.send(event);
        } catch (RuntimeException closed) {
            // Liberty throws IllegalStateException once the client is gone; anything else ends this stream too
            finish();
            return;
        }
        writing = true;
        lastWrite = System.nanoTime();
        CompletableFuture<?> future = written.toCompletableFuture();
        if (future.isDone()) {
            writing = false;
            if (future.isCompletedExceptionally()) {
                finish();
            }
            return;
        }
        written.whenComplete((ignored, failure) -> written(failure));
    }

    private synchronized void written(Throwable failure) {
        writing = false;
        if (failure != null) {
            LOG.log(Level.FINE, "Client of session " + turn.sessionId() + " left", failure);
            finish();
        } else {
            wake();
        }
    }

    /** Closes only after the last write completed, since Liberty drops events still waiting for their first flush. */
    private void finish() {
        if (done) {
            return;
        }
        done = true;
        heartbeat.cancel(false);
        turn.unfollow(this);
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            LOG.log(Level.FINEST, "Sink already closed", alreadyGone);
        }
        onClosed.run();
    }
}
