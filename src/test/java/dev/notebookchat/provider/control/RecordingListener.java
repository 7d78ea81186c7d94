package dev.notebookchat.provider.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a provider tells its listener, with arrival times, and notices broken promises. */
final class RecordingListener implements ProviderListener {

    record Event(String type, String text, long nanos) {
    }

    private final List<Event> events = new ArrayList<>();
    private final CountDownLatch terminal = new CountDownLatch(1);
    private final AtomicInteger inCallback = new AtomicInteger();
    private final AtomicInteger terminals = new AtomicInteger();
    private volatile boolean overlapped;
    private volatile boolean afterTerminal;
    private volatile String finishReason;
    private volatile Usage usage;
    private volatile ProviderFailure failure;

    @Override
    public void onToken(String text) {
        enter();
        try {
            record("token", text);
        } finally {
            leave();
        }
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        enter();
        try {
            this.finishReason = finishReason;
            this.usage = usage;
            record("complete", finishReason);
            terminals.incrementAndGet();
            terminal.countDown();
        } finally {
            leave();
        }
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        enter();
        try {
            this.failure = failure;
            record("failure", failure.message());
            terminals.incrementAndGet();
            terminal.countDown();
        } finally {
            leave();
        }
    }

    private void enter() {
        if (inCallback.incrementAndGet() > 1) {
            overlapped = true;
        }
        if (terminals.get() > 0) {
            afterTerminal = true;
        }
    }

    private void leave() {
        inCallback.decrementAndGet();
    }

    private synchronized void record(String type, String text) {
        events.add(new Event(type, text, System.nanoTime()));
    }

    boolean awaitTerminal(Duration timeout) throws InterruptedException {
        return terminal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until {@code count} tokens have arrived. */
    boolean awaitTokens(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tokens().size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<String> tokens() {
        List<String> tokens = new ArrayList<>();
        for (Event event : events) {
            if (event.type().equals("token")) {
                tokens.add(event.text());
            }
        }
        return tokens;
    }

    synchronized List<Long> tokenTimes() {
        return events.stream().filter(e -> e.type().equals("token")).map(Event::nanos).toList();
    }

    String text() {
        return String.join("", tokens());
    }

    String finishReason() {
        return finishReason;
    }

    Usage usage() {
        return usage;
    }

    ProviderFailure failure() {
        return failure;
    }

    int terminals() {
        return terminals.get();
    }

    /** Callbacks overlapped, or something arrived after the terminal callback. */
    boolean brokeSerialisation() {
        return overlapped || afterTerminal;
    }
}
