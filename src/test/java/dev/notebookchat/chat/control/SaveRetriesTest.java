package dev.notebookchat.chat.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saves against a database that fails on purpose; pauses of milliseconds, the clock of the deadline in the test's hand. */
class SaveRetriesTest {

    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final SaveRetries.Backoff FAST = new SaveRetries.Backoff(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(5));

    private static final Logger LOG = Logger.getLogger(SaveRetries.class.getName());
    private Level logLevel;

    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    final AtomicLong now = new AtomicLong();
    final SaveRetries retries = new SaveRetries(Runnable::run, scheduler, DEADLINE, FAST, now::get);

    @BeforeEach
    void quiet() {
        logLevel = LOG.getLevel();
        LOG.setLevel(Level.OFF);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        LOG.setLevel(logLevel);
    }

    @Test
    void aSaveThatSucceedsAtOnceIsDoneAtOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<Void> outcome = retries.save("answer-1", attempts::incrementAndGet).toCompletableFuture();

        assertTrue(outcome.isDone());
        outcome.get();
        assertEquals(1, attempts.get());
    }

    @Test
    void failedAttemptsAreRepeatedUntilTheDatabaseAnswers() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<Void> outcome = retries.save("answer-1", () -> {
            if (attempts.incrementAndGet() <= 5) {
                throw new IllegalStateException("connection refused");
            }
        }).toCompletableFuture();

        outcome.get(10, TimeUnit.SECONDS);
        assertEquals(6, attempts.get());
    }

    @Test
    void pastTheDeadlineTheCallerHearsOfTheFailureAndTheSaveGoesOn() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException down = new IllegalStateException("connection refused");
        CountDownLatch saved = new CountDownLatch(1);
        CompletableFuture<Void> told = new CompletableFuture<>();

        CompletableFuture<Void> outcome = retries.save("answer-1", () -> {
            int attempt = attempts.incrementAndGet();
            if (attempt == 2) {
                now.addAndGet(DEADLINE.toNanos());
            }
            if (attempt <= 4 || !told.isDone()) {
                throw down;
            }
            saved.countDown();
        }).toCompletableFuture();
        outcome.whenComplete((v, e) -> told.complete(null));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> outcome.get(10, TimeUnit.SECONDS));
        assertSame(down, failure.getCause());
        assertTrue(saved.await(10, TimeUnit.SECONDS), "the save went on after the caller was told");
        assertTrue(attempts.get() >= 5, "attempts: " + attempts.get());
    }

    @Test
    void aSchedulerThatStoppedEndsTheSaveAsFailed() {
        scheduler.shutdown();

        CompletableFuture<Void> outcome = retries.save("answer-1", () -> {
            throw new IllegalStateException("connection refused");
        }).toCompletableFuture();

        assertTrue(outcome.isCompletedExceptionally());
        ExecutionException failure = assertThrows(ExecutionException.class, outcome::get);
        assertFalse(failure.getCause() instanceof IllegalStateException);
        assertTrue(failure.getCause() instanceof RejectedExecutionException);
    }
}
