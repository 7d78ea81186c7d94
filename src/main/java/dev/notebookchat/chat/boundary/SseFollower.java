package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.control.Turn;
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
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a turn's events to one SSE client, one event at a time.
 *
 * <p>Liberty queues writes from non-request threads without bound, so the next event is sent only
 * when the previous write has completed: a slow client falls behind in the turn's log instead of
 * growing a queue in the server. A client that leaves is noticed when a write fails, and its
 * follower simply stops; the turn goes on.
 *
 * <p>When nothing was written for the heartbeat interval a {@code : keep-alive} comment keeps
 * proxies from closing the connection. One timer per stream, set for the moment the interval since
 * the last write runs out and set again from there, so the comment is due exactly one interval
 * after the last write; rescheduling on every write instead would churn the scheduler per token.
 *
 * <p>A client that falls behind (its previous write has not completed while tokens came) gets the
 * tokens it missed as one {@code token} event with the last one's id, see {@link Turn#pendingAt}:
 * a slow client costs one write per completed write, not one per token.
 *
 * <p>A client that resumes past the end of an ended log (a {@code Last-Event-ID} from the live
 * stream, beyond a log rebuilt from the saved messages) gets the terminal events rather than an
 * empty stream: see {@link Turn#terminalIndex()}. One that resumes at the last event has seen it
 * and gets a stream that closes at once.
 */
final class SseFollower implements Turn.Follower {

    private static final Logger LOG = Logger.getLogger(SseFollower.class.getName());

    private final Turn turn;
    private final SseEventSink sink;
    private final Sse sse;
    private final ScheduledExecutorService scheduler;
    private final long heartbeatNanos;
    private final LongSupplier clock;
    private final Runnable onFinish;

    private ScheduledFuture<?> heartbeat;
    private long cursor;
    private boolean sentEvent;
    private boolean writing;
    private boolean done;
    private long lastWrite;

    /**
     * @param fromIndex the log index of the first event to send ({@code Last-Event-ID} of a resuming client)
     * @param clock     {@link System#nanoTime()} but in tests
     * @param onFinish  run once when this stream ends, however it ends
     */
    SseFollower(Turn turn, SseEventSink sink, Sse sse, long fromIndex, ScheduledExecutorService scheduler,
                Duration heartbeatInterval, LongSupplier clock, Runnable onFinish) {
        this.turn = turn;
        this.sink = sink;
        this.sse = sse;
        this.cursor = fromIndex;
        this.scheduler = scheduler;
        this.heartbeatNanos = Math.max(0, heartbeatInterval.toNanos());
        this.clock = clock;
        this.onFinish = onFinish;
        this.lastWrite = clock.getAsLong();
    }

    @Override
    public synchronized void wake() {
        if (heartbeat == null && !done) {
            scheduleHeartbeat(heartbeatNanos);
        }
        // Writes that complete at once are looped here rather than recursing through their callbacks.
        while (!writing && !done) {
            // Ended is read before the event: once it is true the log is final, so an empty read means the end.
            boolean ended = turn.ended();
            Optional<Numbered> next = turn.pendingAt(cursor);
            if (next.isEmpty()) {
                if (ended && !sentEvent && turn.eventAt(cursor - 1).isEmpty()) {
                    // resumed after an id this log never had: the client missed how the turn ended
                    cursor = turn.terminalIndex();
                    continue;
                }
                if (ended) {
                    finish();
                }
                return;
            }
            Numbered numbered = next.get();
            cursor = numbered.id(); // ids are indexes + 1: the next index to send
            sentEvent = true;
            // The JSON is written once per event in the turn's log; SSE carries no media type, and text/plain
            // has the runtime write the text as it is, where a JSON writer might quote it as a JSON string.
            OutboundSseEvent event = sse.newEventBuilder()
                    .id(Long.toString(numbered.id()))
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, numbered.data())
                    .build();
            write(event);
        }
    }

    private synchronized void heartbeat() {
        if (done) {
            return;
        }
        long idle = clock.getAsLong() - lastWrite;
        if (!writing && idle >= heartbeatNanos) {
            write(sse.newEventBuilder().comment("keep-alive").build());
            idle = 0;
        }
        if (!done) {
            // A write still pending past the interval is a slow client, not an idle stream: look again an interval later.
            scheduleHeartbeat(writing || idle >= heartbeatNanos ? heartbeatNanos : heartbeatNanos - idle);
        }
    }

    /** Called with the monitor held. */
    private void scheduleHeartbeat(long delayNanos) {
        heartbeat = scheduler.schedule(this::heartbeat, Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)),
                TimeUnit.MILLISECONDS);
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
        lastWrite = clock.getAsLong();
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
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        turn.unfollow(this);
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            LOG.log(Level.FINEST, "Sink already closed", alreadyGone);
        } finally {
            onFinish.run();
        }
    }
}
