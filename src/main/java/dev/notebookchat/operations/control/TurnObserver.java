package dev.notebookchat.operations.control;

import dev.notebookchat.provider.spi.ModelRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Where the chat component reports its turns: a watch for each turn that starts, and the refusals of
 * turns that could not. Every finished turn becomes metrics and one INFO log line (see
 * {@link TurnReport#logLine()}).
 */
@ApplicationScoped
public class TurnObserver {

    private static final Logger LOG = Logger.getLogger(TurnObserver.class.getName());

    @Inject
    ChatMetrics metrics;

    /** Set before any bean is destroyed, so the turns the shutdown ends count as interrupted, not failed. */
    private volatile boolean shuttingDown;

    /** Starts watching the turn that answers into message {@code messageId} of session {@code sessionId}. */
    public TurnWatch watch(String userId, ModelRef model, String sessionId, String messageId) {
        metrics.turnStarted();
        return new TurnWatch(sessionId, messageId, userId, model.provider(), model.model(), () -> shuttingDown, this::ended);
    }

    /**
     * A turn refused by a limit before it started; {@code limit} names it, e.g. {@code running_turns}.
     * The refusal comes before the model is chosen, so it is counted without one.
     */
    public void refused(String limit) {
        metrics.refused(limit);
    }

    private void ended(TurnReport report) {
        metrics.turnEnded(report);
        LOG.info(report.logLine());
    }

    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
        shuttingDown = true;
    }
}
