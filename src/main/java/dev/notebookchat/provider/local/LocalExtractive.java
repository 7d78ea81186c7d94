package dev.notebookchat.provider.local;

import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderListener;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The embedded {@code local/extractive} model: answers from the notebook itself by quoting its best
 * matching sentences (see {@link ExtractiveAnswer}). It needs no key and no network, which makes it the
 * default, and it streams like a remote model so the rest of the app cannot tell the difference.
 *
 * <p>The answer is sent a word at a time, one every {@code tokenDelay}. Each word is a task on the
 * scheduler that schedules the next, so no thread ever sleeps between words, and the tasks of one
 * answer run one after another, which is what keeps its callbacks from overlapping.
 */
public final class LocalExtractive implements ChatProvider {

    static final String FINISH_REASON = "stop";

    /** A word with the whitespace before it: the pieces concatenate back to the exact answer. */
    private static final Pattern PIECE = Pattern.compile("\\s*\\S+");

    private final ScheduledExecutorService scheduler;
    private final long tokenDelayNanos;

    public LocalExtractive(ScheduledExecutorService scheduler, Duration tokenDelay) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (tokenDelay.isNegative()) {
            throw new IllegalArgumentException("tokenDelay must not be negative: " + tokenDelay);
        }
        this.tokenDelayNanos = tokenDelay.toNanos();
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public ProviderStream stream(ProviderRequest request, ProviderListener listener) {
        var answer = new RunningAnswer(request, Objects.requireNonNull(listener, "listener"));
        answer.start();
        return answer;
    }

    /** {@code text} cut into words that keep their leading whitespace; trailing whitespace joins the last. */
    static List<String> pieces(String text) {
        var pieces = new ArrayList<String>();
        var matcher = PIECE.matcher(text);
        int end = 0;
        while (matcher.find()) {
            pieces.add(matcher.group());
            end = matcher.end();
        }
        if (end < text.length()) {
            var rest = text.substring(end);
            if (pieces.isEmpty()) {
                pieces.add(rest);
            } else {
                pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + rest);
            }
        }
        return pieces;
    }

    /** What the model read, counted in words: the question and every document's title and text. */
    static int inputTokens(ProviderRequest request) {
        int count = Terms.words(request.question()).size();
        for (var document : request.documents()) {
            count += words(document.title()) + words(document.text());
        }
        return count;
    }

    private static int words(String text) {
        return text == null ? 0 : Terms.words(text).size();
    }

    /**
     * One answer being streamed. Every callback is made while holding {@code lock}, and {@link #cancel}
     * takes the same lock: a callback already running when cancel is called finishes first, so once
     * cancel returns the listener hears nothing more. The flag is set before waiting for the lock so
     * that a task queued behind the running one gives up instead of delivering. Cancel from inside a
     * callback is fine (the lock is reentrant); a caller on another thread waits at most one callback.
     */
    private final class RunningAnswer implements ProviderStream {

        private final ProviderRequest request;
        private final ProviderListener listener;
        private final Object lock = new Object();
        private final AtomicBoolean cancelled = new AtomicBoolean();

        // Guarded by lock.
        private ScheduledFuture<?> next;
        private List<String> pieces;
        private List<Integer> quoted;
        private int sent;
        private boolean finished;

        RunningAnswer(ProviderRequest request, ProviderListener listener) {
            this.request = request;
            this.listener = listener;
        }

        void start() {
            // Ranking a large notebook takes a moment: it happens on the scheduler, not in the caller.
            synchronized (lock) {
                next = scheduler.schedule(this::step, 0, TimeUnit.NANOSECONDS);
            }
        }

        private void step() {
            synchronized (lock) {
                if (cancelled.get() || finished) {
                    return;
                }
                try {
                    if (pieces == null) {
                        var answer = ExtractiveAnswer.answer(request.question(), request.documents());
                        pieces = pieces(answer.text());
                        quoted = answer.documents();
                    }
                    if (sent < pieces.size()) {
                        listener.onToken(pieces.get(sent++));
                    }
                    if (cancelled.get()) {
                        return;
                    }
                    if (sent < pieces.size()) {
                        next = scheduler.schedule(this::step, tokenDelayNanos, TimeUnit.NANOSECONDS);
                    } else {
                        finished = true;
                        listener.onQuoted(quoted);
                        listener.onComplete(FINISH_REASON, new Usage(inputTokens(request), sent));
                    }
                } catch (RuntimeException e) {
                    fail(e);
                }
            }
        }

        /** A bug or a scheduler shut down mid-answer must still end the answer, never leave it hanging. */
        private void fail(RuntimeException cause) {
            if (finished || cancelled.get()) {
                return;
            }
            finished = true;
            java.util.logging.Logger.getLogger(LocalExtractive.class.getName())
                    .log(java.util.logging.Level.WARNING, "The local model failed mid-answer", cause);
            listener.onFailure(new ProviderFailure(ProviderFailure.Kind.IN_BAND, name(),
                    "The local model stopped answering unexpectedly. Ask again."));
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            synchronized (lock) {
                if (next != null) {
                    // No interrupt: the listener may be in the middle of writing to the client.
                    next.cancel(false);
                }
            }
        }
    }
}
