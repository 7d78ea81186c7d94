package dev.notebookchat.chat.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a save until the database takes it. Attempts are spaced by a bounded exponential backoff on
 * a scheduler, so no thread waits between them. Past the deadline the caller is told that the save
 * failed (the turn ends with an {@code error} event), but the save goes on at a slow pace while the
 * server runs: an answer is never left {@code streaming} just because the database was away when it
 * ended. A server that stops meanwhile leaves it to the next start, which marks it {@code interrupted}.
 */
public class SaveRetries {

    private static final Logger LOG = Logger.getLogger(SaveRetries.class.getName());

    /** The backoff of one save: the first pause, the longest pause before the deadline, the pause after it. */
    public record Backoff(Duration first, Duration longest, Duration afterDeadline) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Duration deadline;
    private final Backoff backoff;
    private final LongSupplier nanoTime;

    /**
     * @param executor  runs the attempts (database work never runs on the scheduler's threads)
     * @param scheduler only times the pauses between attempts
     */
    public SaveRetries(Executor executor, ScheduledExecutorService scheduler, Duration deadline, Backoff backoff) {
        this(executor, scheduler, deadline, backoff, System::nanoTime);
    }

    SaveRetries(Executor executor, ScheduledExecutorService scheduler, Duration deadline, Backoff backoff, LongSupplier nanoTime) {
        this.executor = executor;
        this.scheduler = scheduler;
        this.deadline = deadline;
        this.backoff = backoff;
        this.nanoTime = nanoTime;
    }

    /**
     * @param what names the save in the log
     * @return completes once saved, or exceptionally with the last failure once the deadline passed
     */
    public CompletionStage<Void> save(String what, Runnable save) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        new Attempts(what, save, outcome, nanoTime.getAsLong() + deadline.toNanos()).next(0);
        return outcome;
    }

    private final class Attempts {
        private final String what;
        private final Runnable save;
        private final CompletableFuture<Void> outcome;
        private final long deadlineNanos;
        private Duration pause = backoff.first();
        private int failures;

        Attempts(String what, Runnable save, CompletableFuture<Void> outcome, long deadlineNanos) {
            this.what = what;
            this.save = save;
            this.outcome = outcome;
            this.deadlineNanos = deadlineNanos;
        }

        void next(long delayMillis) {
            try {
                if (delayMillis == 0) {
                    executor.execute(this::attempt);
                } else {
                    scheduler.schedule(() -> {
                        try {
                            executor.execute(this::attempt);
                        } catch (RejectedExecutionException e) {
                            stopped(e);
                        }
                    }, delayMillis, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException e) {
                stopped(e);
            }
        }

        private void attempt() {
            try {
                save.run();
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (failures > 0) {
                LOG.info(what + " was saved after " + failures + " failed attempts");
            }
            outcome.complete(null);
        }

        private void failed(RuntimeException e) {
            failures++;
            long now = nanoTime.getAsLong();
            if (now - deadlineNanos >= 0) {
                if (outcome.completeExceptionally(e)) {
                    LOG.log(Level.WARNING, what + " could not be saved within " + deadline.toSeconds()
                            + " s; trying again every " + backoff.afterDeadline().toSeconds() + " s", e);
                } else {
                    LOG.log(Level.FINE, what + " could still not be saved", e);
                }
                next(backoff.afterDeadline().toMillis());
                return;
            }
            LOG.log(Level.FINE, what + " could not be saved; trying again in " + pause.toMillis() + " ms", e);
            // The last attempt before the deadline comes at the deadline, not a whole pause after it.
            long untilDeadline = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - now));
            long delay = Math.max(1, Math.min(pause.toMillis(), untilDeadline));
            Duration doubled = pause.multipliedBy(2);
            pause = doubled.compareTo(backoff.longest()) > 0 ? backoff.longest() : doubled;
            next(delay);
        }

        /** The server is stopping: nothing will run this save any more. */
        private void stopped(RejectedExecutionException e) {
            LOG.log(Level.WARNING, what + " could not be saved before the server stopped; the next start marks it interrupted", e);
            outcome.completeExceptionally(e);
        }
    }
}
