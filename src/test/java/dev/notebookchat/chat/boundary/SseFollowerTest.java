package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.ChatMessage.Status;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client's stream, with the sink's writes completed by hand so every step can be looked at. */
class SseFollowerTest {

    static final Instant ASKED = Instant.parse("2026-11-26T17:09:57.123Z");
    static final Duration NEVER_IDLE = Duration.ofHours(1);

    final List<String> saved = new ArrayList<>();
    final Turn turn = new Turn("session-1", "answer-1", "What do the sources say?", ASKED, 1000,
            ending -> {
                saved.add(ending.status() + " " + ending.finishReason() + " " + ending.content());
                return CompletableFuture.completedFuture(null);
            }, t -> { });
    final ManualSink sink = new ManualSink();
    final FakeScheduler scheduler = new FakeScheduler();
    long now;
    int finishes;

    @Test
    void eachEventIsSentAsJsonWithItsId() {
        follow(0, NEVER_IDLE);

        Sent first = sink.sent.get(0);
        assertEquals("1", first.id());
        assertEquals(MediaType.TEXT_PLAIN_TYPE, first.mediaType());
        assertEquals(String.class, first.type());
        assertEquals(new ChatEvent.UserMessage("What do the sources say?", ASKED).toJson(), json(first.data()));
        assertNull(first.comment());
        assertNull(first.name());
    }

    @Test
    void theNextEventIsSentOnlyWhenThePreviousWriteHasCompleted() {
        follow(0, NEVER_IDLE);
        turn.onToken("The");
        assertEquals(List.of("1"), sink.ids());

        sink.completeNext();
        assertEquals(List.of("1", "2"), sink.ids());
        turn.onToken(" sources");
        assertEquals(List.of("1", "2"), sink.ids());

        sink.completeNext();
        assertEquals(List.of("1", "2", "3"), sink.ids());
        sink.completeNext();
        assertEquals(0, sink.pending());

        turn.onToken(" say");
        assertEquals(List.of("1", "2", "3", "4"), sink.ids());
        assertEquals(new ChatEvent.Token(" say").toJson(), json(sink.sent.get(3).data()));
    }

    @Test
    void tokensThatCameWhileAWriteWasUnderwayGoAsOneEventWithTheLastId() {
        follow(0, NEVER_IDLE);
        turn.onToken("The");
        turn.onToken(" sources");
        turn.onToken(" say");
        assertEquals(List.of("1"), sink.ids());

        sink.completeNext();

        assertEquals(List.of("1", "4"), sink.ids());
        assertEquals(new ChatEvent.Token("The sources say").toJson(), json(sink.sent.get(1).data()));
        turn.onToken(" tea");
        turn.onComplete("stop", Usage.UNKNOWN);
        sink.completeNext();
        assertEquals(List.of("1", "4", "5"), sink.ids());
        assertEquals(new ChatEvent.Token(" tea").toJson(), json(sink.sent.get(2).data()), "only what came since");
        sink.completeNext();
        sink.completeNext();
        assertEquals(List.of("1", "4", "5", "6", "7"), sink.ids());
        assertEquals(List.of("user_message", "token", "token", "ai_message_complete", "complete"), sink.types());
        assertEquals("The sources say tea", json(sink.sent.get(3).data()).getString("content"));
    }

    @Test
    void aClientResumingAfterAMergedEventGetsExactlyTheTokensAfterIt() {
        turn.onToken("The");
        turn.onToken(" sources");
        follow(1, NEVER_IDLE);
        assertEquals(List.of("3"), sink.ids());
        assertEquals(new ChatEvent.Token("The sources").toJson(), json(sink.sent.get(0).data()));
        turn.onToken(" say");
        turn.onToken(" tea");

        ManualSink resumed = new ManualSink();
        resumed.completeAtOnce = true;
        turn.follow(new SseFollower(turn, resumed, new FakeSse(), 3, scheduler, NEVER_IDLE, () -> now, () -> finishes++));

        assertEquals(List.of("5"), resumed.ids());
        assertEquals(new ChatEvent.Token(" say tea").toJson(), json(resumed.sent.get(0).data()));
    }

    @Test
    void theSinkClosesOnlyAfterTheTurnEndedAndTheLastWriteCompleted() {
        follow(0, NEVER_IDLE);
        turn.onToken("The answer");
        turn.onComplete("stop", new Usage(812, 57));
        assertTrue(turn.ended());

        sink.completeNext();
        sink.completeNext();
        sink.completeNext();
        assertEquals(List.of("1", "2", "3", "4"), sink.ids());
        assertEquals(0, sink.closes);
        assertFalse(scheduler.heartbeat.cancelled);

        sink.completeNext();

        assertEquals(1, sink.closes);
        assertTrue(scheduler.heartbeat.cancelled);
        assertEquals(List.of("user_message", "token", "ai_message_complete", "complete"), sink.types());
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 812, 57).toJson(), json(sink.sent.get(3).data()));
    }

    @Test
    void aFollowerThatCaughtUpWaitsForTheTurnToEnd() {
        sink.completeAtOnce = true;
        follow(0, NEVER_IDLE);
        turn.onToken("The answer");

        assertEquals(List.of("1", "2"), sink.ids());
        assertEquals(0, sink.closes);

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of("1", "2", "3", "4"), sink.ids());
        assertEquals(1, sink.closes);
    }

    @Test
    void aResumingClientGetsTheEventsAfterItsLastId() {
        turn.onToken("The");
        turn.onToken(" sources");
        sink.completeAtOnce = true;

        follow(2, NEVER_IDLE);

        assertEquals(List.of("3"), sink.ids());
        assertEquals(new ChatEvent.Token(" sources").toJson(), json(sink.sent.get(0).data()));
    }

    @Test
    void aResumingClientOfAFinishedTurnGetsTheRestAndTheStreamCloses() {
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);
        sink.completeAtOnce = true;

        follow(2, NEVER_IDLE);

        assertEquals(List.of("3", "4"), sink.ids());
        assertEquals(1, sink.closes);
    }

    @Test
    void aFailedWriteStopsTheFollowerButNotTheTurn() {
        follow(0, Duration.ZERO);
        turn.onToken("The");

        sink.failNext(new IOException("Broken pipe"));

        assertEquals(1, sink.closes);
        assertTrue(scheduler.heartbeat.cancelled);
        turn.onToken(" answer");
        turn.onComplete("stop", Usage.UNKNOWN);
        scheduler.heartbeat.runEvenIfCancelled();
        assertEquals(1, sink.sent.size());
        assertEquals(1, sink.closes);
        assertTrue(turn.ended());
        assertEquals(List.of("complete stop The answer"), saved);
    }

    @Test
    void aWriteThatHadFailedAlreadyStopsTheFollower() {
        sink.failAtOnce = true;

        follow(0, NEVER_IDLE);
        turn.onToken("The");

        assertEquals(List.of("1"), sink.ids());
        assertEquals(1, sink.closes);
        assertTrue(scheduler.heartbeat.cancelled);
    }

    @Test
    void aSinkThatRefusesToSendStopsTheFollowerButNotTheTurn() {
        sink.refuseSends = true;
        sink.refuseClose = true;

        follow(0, NEVER_IDLE);
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of(), sink.ids());
        assertEquals(1, sink.closes);
        assertTrue(scheduler.heartbeat.cancelled);
        assertEquals(List.of("complete stop The"), saved);
    }

    @Test
    void theKeepAliveComesOneIntervalAfterTheLastWrite() {
        sink.completeAtOnce = true;
        follow(0, Duration.ofSeconds(15));
        assertEquals(List.of(15_000L), scheduler.delays);

        now = seconds(10);
        turn.onToken("The");
        now = seconds(15);
        scheduler.heartbeat.run();
        assertEquals(List.of("1", "2"), sink.ids());
        assertEquals(2, sink.sent.size(), "written 5 s ago: nothing yet");
        assertEquals(List.of(15_000L, 10_000L), scheduler.delays, "due 15 s after the token, at 25 s");

        now = seconds(25);
        scheduler.heartbeat.run();
        assertEquals(3, sink.sent.size());
        assertEquals("keep-alive", sink.sent.get(2).comment());
        assertEquals(List.of(15_000L, 10_000L, 15_000L), scheduler.delays);
    }

    @Test
    void aWriteStillUnderwayPutsTheKeepAliveOffByAWholeInterval() {
        follow(0, Duration.ofSeconds(15));
        now = seconds(15);

        scheduler.heartbeat.run();

        assertEquals(1, sink.sent.size());
        assertEquals(List.of(15_000L, 15_000L), scheduler.delays);
    }

    @Test
    void aClientResumingPastTheEndOfAFinishedTurnGetsItsTerminalEvents() {
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);
        sink.completeAtOnce = true;

        follow(57, NEVER_IDLE);

        assertEquals(List.of("3", "4"), sink.ids());
        assertEquals(List.of("ai_message_complete", "complete"), sink.types());
        assertEquals(1, sink.closes);
    }

    @Test
    void aClientResumingAtTheLastEventGetsAStreamThatClosesAtOnce() {
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);
        sink.completeAtOnce = true;

        follow(4, NEVER_IDLE);

        assertEquals(List.of(), sink.ids());
        assertEquals(1, sink.closes);
    }

    @Test
    void aClientResumingOnePastTheLastEventGetsTheTerminalEvents() {
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);
        sink.completeAtOnce = true;

        follow(5, NEVER_IDLE);

        assertEquals(List.of("3", "4"), sink.ids());
        assertEquals(1, sink.closes);
    }

    @Test
    void aClientResumingPastTheEndOfARebuiltLogGetsTheRebuiltTerminalEvents() {
        Turn rebuilt = Turn.replayed("session-1", "answer-1", List.of(
                new ChatEvent.UserMessage("What do the sources say?", ASKED),
                new ChatEvent.Token("The sources say espresso takes 25 seconds."),
                new ChatEvent.AiMessageComplete("The sources say espresso takes 25 seconds.", ASKED),
                new ChatEvent.Complete("answer-1", "stop", 812, 57)));
        sink.completeAtOnce = true;

        rebuilt.follow(new SseFollower(rebuilt, sink, new FakeSse(), 40, scheduler, NEVER_IDLE, () -> now, () -> finishes++));

        assertEquals(List.of("3", "4"), sink.ids());
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 812, 57).toJson(), json(sink.sent.get(1).data()));
        assertEquals(1, sink.closes);
        assertEquals(1, finishes);
    }

    @Test
    void aClientResumingPastTheEndOfAFailedTurnGetsTheError() {
        turn.onToken("The");
        turn.onFailure(new ProviderFailure(ProviderFailure.Kind.TRUNCATED, "openai", "The openai answer was cut off."));
        sink.completeAtOnce = true;

        follow(9, NEVER_IDLE);

        assertEquals(List.of("3"), sink.ids());
        assertEquals(List.of("error"), sink.types());
        assertEquals(1, sink.closes);
    }

    @Test
    void aClientWaitingPastTheEndOfARunningTurnGetsTheTerminalEventsWhenItEnds() {
        sink.completeAtOnce = true;
        follow(30, NEVER_IDLE);
        turn.onToken("The");
        assertEquals(List.of(), sink.ids());

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of("3", "4"), sink.ids());
        assertEquals(1, sink.closes);
    }

    @Test
    void aStreamGivesItsPlaceBackOnceHoweverOftenItIsToldToEnd() {
        follow(0, Duration.ZERO);
        sink.failNext(new IOException("Broken pipe"));
        scheduler.heartbeat.runEvenIfCancelled();
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(1, finishes);
    }

    @Test
    void anIdleStreamGetsAKeepAliveComment() {
        sink.completeAtOnce = true;
        follow(0, Duration.ZERO);

        scheduler.heartbeat.run();

        assertEquals(2, sink.sent.size());
        Sent keepAlive = sink.sent.get(1);
        assertEquals("keep-alive", keepAlive.comment());
        assertNull(keepAlive.id());
        assertNull(keepAlive.data());
    }

    @Test
    void noKeepAliveWhileAWriteIsUnderway() {
        follow(0, Duration.ZERO);

        scheduler.heartbeat.run();
        assertEquals(1, sink.sent.size());

        sink.completeNext();
        scheduler.heartbeat.run();
        assertEquals(2, sink.sent.size());
        assertEquals("keep-alive", sink.sent.get(1).comment());
    }

    @Test
    void noKeepAliveRightAfterAnEvent() {
        sink.completeAtOnce = true;
        follow(0, NEVER_IDLE);

        scheduler.heartbeat.run();

        assertEquals(List.of("1"), sink.ids());
        assertEquals(1, sink.sent.size());
    }

    @Test
    void anEventWaitsForAKeepAliveStillBeingWritten() {
        follow(0, Duration.ZERO);
        sink.completeNext();
        scheduler.heartbeat.run();

        turn.onToken("The");
        assertEquals(2, sink.sent.size());

        sink.completeNext();
        assertEquals(3, sink.sent.size());
        assertEquals("2", sink.sent.get(2).id());
    }

    @Test
    void aFailedKeepAliveStopsTheFollower() {
        follow(0, Duration.ZERO);
        sink.completeNext();
        scheduler.heartbeat.run();

        sink.failNext(new IOException("Connection reset"));

        assertEquals(1, sink.closes);
        turn.onToken("The");
        assertEquals(2, sink.sent.size());
    }

    @Test
    void aTurnThatFailsEndsTheStreamWithItsError() {
        sink.completeAtOnce = true;
        follow(0, NEVER_IDLE);

        turn.onFailure(new ProviderFailure(ProviderFailure.Kind.TRUNCATED, "openai", "The openai answer was cut off."));

        assertEquals(List.of("user_message", "error"), sink.types());
        assertEquals(new ChatEvent.Error("The openai answer was cut off.").toJson(), json(sink.sent.get(1).data()));
        assertEquals(1, sink.closes);
        assertEquals(List.of(Status.error + " error "), saved);
    }

    @Test
    void aProviderThatNamesNoFinishReasonStillEndsTheStream() {
        sink.completeAtOnce = true;
        follow(0, NEVER_IDLE);

        turn.onComplete(null, Usage.UNKNOWN);

        assertEquals(List.of("user_message", "ai_message_complete", "complete"), sink.types());
        assertEquals(1, sink.closes);
    }

    private void follow(long fromIndex, Duration heartbeat) {
        turn.follow(new SseFollower(turn, sink, new FakeSse(), fromIndex, scheduler, heartbeat, () -> now, () -> finishes++));
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    /** What the follower built, as the builder was told it. */
    record Sent(String id, String name, String comment, MediaType mediaType, Class<?> type, Object data) implements OutboundSseEvent {
        @Override public String getId() { return id; }
        @Override public String getName() { return name; }
        @Override public String getComment() { return comment; }
        @Override public long getReconnectDelay() { return RECONNECT_NOT_SET; }
        @Override public boolean isReconnectDelaySet() { return false; }
        @Override public Class<?> getType() { return type; }
        @Override public Type getGenericType() { return type; }
        @Override public MediaType getMediaType() { return mediaType; }
        @Override public Object getData() { return data; }
    }

    static final class FakeSse implements Sse {
        @Override
        public OutboundSseEvent.Builder newEventBuilder() {
            return new RecordingBuilder();
        }

        @Override
        public SseBroadcaster newBroadcaster() {
            throw new UnsupportedOperationException();
        }
    }

    static final class RecordingBuilder implements OutboundSseEvent.Builder {
        private String id;
        private String name;
        private String comment;
        private MediaType mediaType;
        private Class<?> type;
        private Object data;

        @Override public OutboundSseEvent.Builder id(String id) { this.id = id; return this; }
        @Override public OutboundSseEvent.Builder name(String name) { this.name = name; return this; }
        @Override public OutboundSseEvent.Builder reconnectDelay(long milliseconds) { throw new UnsupportedOperationException(); }
        @Override public OutboundSseEvent.Builder mediaType(MediaType mediaType) { this.mediaType = mediaType; return this; }
        @Override public OutboundSseEvent.Builder comment(String comment) { this.comment = comment; return this; }

        @Override
        @SuppressWarnings("rawtypes")
        public OutboundSseEvent.Builder data(Class type, Object data) {
            this.type = type;
            this.data = data;
            return this;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public OutboundSseEvent.Builder data(GenericType type, Object data) { throw new UnsupportedOperationException(); }

        @Override public OutboundSseEvent.Builder data(Object data) { throw new UnsupportedOperationException(); }

        @Override
        public OutboundSseEvent build() {
            return new Sent(id, name, comment, mediaType, type, data);
        }
    }

    /** A client connection whose writes complete when the test says so, or at once, or fail. */
    static final class ManualSink implements SseEventSink {
        final List<Sent> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        int closes;
        boolean completeAtOnce;
        boolean failAtOnce;
        boolean refuseSends;
        boolean refuseClose;

        @Override
        public boolean isClosed() {
            return closes > 0;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            if (refuseSends) {
                throw new IllegalStateException("Sink closed");
            }
            sent.add((Sent) event);
            if (completeAtOnce) {
                return CompletableFuture.completedFuture(null);
            }
            if (failAtOnce) {
                return CompletableFuture.failedFuture(new IOException("Broken pipe"));
            }
            CompletableFuture<Void> write = new CompletableFuture<>();
            writes.add(write);
            return write;
        }

        @Override
        public void close() {
            closes++;
            if (refuseClose) {
                throw new IllegalStateException("Already closed");
            }
        }

        void completeNext() {
            nextWrite().complete(null);
        }

        void failNext(Throwable failure) {
            nextWrite().completeExceptionally(failure);
        }

        int pending() {
            return (int) writes.stream().filter(w -> !w.isDone()).count();
        }

        private CompletableFuture<Void> nextWrite() {
            return writes.stream().filter(w -> !w.isDone()).findFirst()
                    .orElseThrow(() -> new AssertionError("No write is underway"));
        }

        List<String> ids() {
            return sent.stream().filter(s -> s.id() != null).map(Sent::id).toList();
        }

        List<String> types() {
            return sent.stream().filter(s -> s.data() != null).map(s -> json(s.data()).getString("type")).toList();
        }
    }

    /** Holds the latest heartbeat task so the test can run it when it likes, and every delay asked for in ms. */
    static final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
        Heartbeat heartbeat;
        final List<Long> delays = new ArrayList<>();

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delays.add(unit.toMillis(delay));
            heartbeat = new Heartbeat(command);
            return heartbeat;
        }

        @Override public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) { throw new UnsupportedOperationException(); }
        @Override public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) { throw new UnsupportedOperationException(); }
        @Override public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) { throw new UnsupportedOperationException(); }
        @Override public void shutdown() { throw new UnsupportedOperationException(); }
        @Override public List<Runnable> shutdownNow() { throw new UnsupportedOperationException(); }
        @Override public boolean isShutdown() { return false; }
        @Override public boolean isTerminated() { return false; }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { throw new UnsupportedOperationException(); }
        @Override public void execute(Runnable command) { throw new UnsupportedOperationException(); }
    }

    /** The scheduled heartbeat: runs only when the test calls {@link #run()}, and never once cancelled. */
    static final class Heartbeat implements ScheduledFuture<Object> {
        private final Runnable task;
        boolean cancelled;

        Heartbeat(Runnable task) {
            this.task = task;
        }

        void run() {
            if (!cancelled) {
                task.run();
            }
        }

        /** A real scheduler may start the task once more while it is being cancelled. */
        void runEvenIfCancelled() {
            task.run();
        }

        @Override public boolean cancel(boolean mayInterruptIfRunning) { cancelled = true; return true; }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public boolean isDone() { return cancelled; }
        @Override public Object get() { throw new UnsupportedOperationException(); }
        @Override public Object get(long timeout, TimeUnit unit) { throw new UnsupportedOperationException(); }
        @Override public long getDelay(TimeUnit unit) { return 0; }
        @Override public int compareTo(Delayed other) { return 0; }
    }

    /** The data text of a sent event, read back. */
    static JsonObject json(Object data) {
        try (var reader = Json.createReader(new StringReader((String) data))) {
            return reader.readObject();
        }
    }
}
