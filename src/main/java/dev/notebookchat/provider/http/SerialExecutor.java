package dev.notebookchat.provider.http;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one after another, in submission order, on a shared executor. Each provider answer gets
 * one: attempts, retries and watchdog checks pass through it, and so does any chunk of the body that
 * arrives off the transport's executor (with every later signal of that body), so these run one at
 * a time without a thread of their own, and the end of a body can never overtake its last line. What
 * they share with the body's reading is volatile or locked (see {@code HttpChatProvider}).
 */
final class SerialExecutor implements Executor {

    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                scheduled.set(false);
                throw shuttingDown;
            }
        }
    }

    private void drain() {
        try {
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                try {
                    task.run();
                } catch (RuntimeException | Error failure) {
                    LOG.log(System.Logger.Level.WARNING, "Provider stream task failed", failure);
                }
            }
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
