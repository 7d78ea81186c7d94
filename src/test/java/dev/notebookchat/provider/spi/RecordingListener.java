package dev.notebookchat.provider.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a provider tells its listener, with arrival times, and notices broken promises. */
public final class RecordingListener implements ProviderListener {

    public record Event(String type, String text, long nanos) {
    }

    private final List<Event> events = new ArrayList<>();
    private final CountDownLatch terminal = new CountDownLatch(1);
    private final AtomicInteger inCallback = new AtomicInteger();
    private final AtomicInteger terminals = new AtomicInteger();
    /** Callback name to the names of the threads it ran on. */
    private final Map<String, Set<String>> threads = new ConcurrentHashMap<>();
    private volatile boolean overlapped;
    private volatile boolean afterTerminal;
    private volatile String finishReason;
    private volatile Usage usage;
    private volatile ProviderFailure failure;

    @Override
    public void onToken(String text) {
        enter("token");
        try {
            record("token", text);
        } finally {
            leave();
        }
    }

    @Override
    public void onComplete(String finishReason, Usage usage) {
        enter("complete");
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
        enter("failure");
        try {
            this.failure = failure;
            record("failure", failure.message());
            terminals.incrementAndGet();
            terminal.countDown();
        } finally {
            leave();
        }
    }

    private void enter(String callback) {
        threads.computeIfAbsent(callback, name -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
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

    public boolean awaitTerminal(Duration timeout) throws InterruptedException {
        return terminal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until {@code count} tokens have arrived. */
    public boolean awaitTokens(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tokens().size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<String> tokens() {
        List<String> tokens = new ArrayList<>();
        for (Event event : events) {
            if (event.type().equals("token")) {
                tokens.add(event.text());
            }
        }
        return tokens;
    }

    public synchronized List<Long> tokenTimes() {
        return events.stream().filter(e -> e.type().equals("token")).map(Event::nanos).toList();
    }

    public String text() {
        return String.join("", tokens());
    }

    public String finishReason() {
        return finishReason;
    }

    public Usage usage() {
        return usage;
    }

    public ProviderFailure failure() {
        return failure;
    }

    public int terminals() {
        return terminals.get();
    }

    /** The names of the threads {@code callback} ({@code token}, {@code complete}, {@code failure}) ran on. */
    public Set<String> threads(String callback) {
        return Set.copyOf(threads.getOrDefault(callback, Set.of()));
    }

    /** Callbacks overlapped, or something arrived after the terminal callback. */
    public boolean brokeSerialisation() {
        return overlapped || afterTerminal;
    }
}
