package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.notebook.entity.NotebookDeleting;
import dev.notebookchat.operations.control.TurnObserver;
import dev.notebookchat.operations.control.TurnWatch;
import dev.notebookchat.platform.Seconds;
import dev.notebookchat.problems.ApiError;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts turns and knows which are running: one per session at a time, a share per user and no
 * more than the configured number in all, since each holds a provider connection and its event log
 * in memory. A turn that runs past the configured duration is ended with an {@code error} event.
 */
@ApplicationScoped
public class Turns {

    private static final Logger LOG = Logger.getLogger(Turns.class.getName());

    /** What a refused client is told to wait: turns take seconds, so a few seconds frees a slot often enough. */
    static final long RETRY_AFTER_SECONDS = ApiError.RETRY_AFTER_SECONDS;

    @Inject
    TurnSetup setup;

    @Inject
    ChatHistory history;

    @Inject
    ChatSessions sessions;

    @Inject
    TurnObserver observer;

    @Inject
    SharedTurns shared;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-running-turns", defaultValue = "200")
    int maxRunningTurns;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-running-turns-per-user", defaultValue = "5")
    int maxRunningTurnsPerUser;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-turn-duration", defaultValue = "600")
    double maxTurnSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-answer-characters", defaultValue = "200000")
    int maxAnswerCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.finished-turns-kept", defaultValue = "1000")
    int finishedTurnsKept;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.checkpoint-interval", defaultValue = "5")
    double checkpointSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.save-deadline", defaultValue = "120")
    double saveDeadlineSeconds;

    /** Saves how a turn's answer ended, retrying on the managed executor until the database takes it. */
    private Function<Turn.Ending, CompletionStage<Void>> saveEnding;
    private ScheduledFuture<?> checkpoints;
    private TurnSlots slots;

    /** One task saves the growing answers of all running turns, instead of a timer per turn. */
    @PostConstruct
    void startCheckpoints() {
        slots = new TurnSlots(maxRunningTurns, maxRunningTurnsPerUser);
        SaveRetries retries = new SaveRetries(executor, scheduler, Seconds.atLeast(Duration.ZERO, saveDeadlineSeconds),
                SaveRetries.Backoff.DEFAULT);
        saveEnding = ending -> retries.save("The answer " + ending.answerId(), () -> history.end(ending));
        long millis = Seconds.atLeast(Duration.ofMillis(100), checkpointSeconds).toMillis();
        // All running answers in one write: a transaction per turn per interval cost more than their tokens.
        checkpoints = scheduler.scheduleWithFixedDelay(() -> Turn.checkpoint(slots.running(), history::checkpoint),
                millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The latest finished turn of recently active sessions, so a client can still resume it by event id. */
    private final Map<String, Turn> finished = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Turn> eldest) {
            return size() > finishedTurnsKept;
        }
    });

    /** What the caller asked for; checked here, before anything is saved or streamed. */
    public record Request(String sessionId, String message, ContextConfig contextConfig, String modelOverride) {
    }

    /**
     * Reserves the session's slot, then validates the request and saves the user's message in one
     * transaction, and only then starts the provider. Every refusal is an HTTP error, changes nothing
     * and gives the slot back.
     */
    public Turn start(String owner, Request request) {
        TurnSlots.Slot slot = reserve(request.sessionId(), owner);
        SharedTurns.Claim claim;
        TurnSetup.Prepared prepared;
        try {
            claim = shared.claim(request.sessionId()).orElseThrow(Turns::sessionBusy);
        } catch (RuntimeException e) {
            slots.release(slot);
            throw e;
        }
        try {
            prepared = setup.prepare(owner, request);
        } catch (RuntimeException e) {
            claim.release();
            slots.release(slot);
            throw e;
        }
        ChatHistory.Begun begun = prepared.begun();
        TurnWatch watch = observer.watch(owner, prepared.model(), request.sessionId(), begun.answerId());
        Turn turn = new Turn(request.sessionId(), begun.answerId(), request.message(), begun.humanTimestamp(),
                maxAnswerCharacters, saveEnding, over -> {
                    ended(slot, over);
                    watch.ended(over.lastEvent());
                });
        turn.cite(prepared.citations(), prepared.documentPassages());
        if (prepared.laterCitations() != null) {
            Function<String, List<Citation>> lookup = prepared.laterCitations();
            turn.citeLater(answer -> lookUp(() -> lookup.apply(answer)));
        }
        slots.started(slot, turn, prepared.notebookId());
        claim.started(turn);
        ScheduledFuture<?> deadline = scheduler.schedule(() -> turn.fail(tooLong()),
                TurnSetup.maxTurnDuration(maxTurnSeconds).toNanos(), TimeUnit.NANOSECONDS);
        turn.finished().whenComplete((last, failure) -> deadline.cancel(false));
        String provider = prepared.model().provider();
        try {
            turn.attach(prepared.provider().stream(prepared.request(), watch.listening(turn)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Provider " + provider + " could not start", e);
            turn.fail("The " + provider + " provider could not be started. Try again, or pick another model.");
        }
        return turn;
    }

    /**
     * What an answer cites, looked up on the managed executor when it ends: it reads the database, which
     * the thread that relays the provider's stream must not wait for. A lookup that cannot even start cites nothing.
     */
    private CompletionStage<List<Citation>> lookUp(Supplier<List<Citation>> search) {
        try {
            return CompletableFuture.supplyAsync(search, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(List.of());
        }
    }

    private TurnSlots.Slot reserve(String sessionId, String owner) {
        try {
            return slots.reserve(sessionId, owner);
        } catch (TurnSlots.Refused refused) {
            switch (refused.reason()) {
                case USER_AT_LIMIT -> observer.refused("running_turns_per_user");
                case SERVER_AT_LIMIT -> observer.refused("running_turns");
                default -> {
                    // a busy session is a conflict, not a limit
                }
            }
            throw switch (refused.reason()) {
                case SESSION_BUSY -> sessionBusy();
                case USER_AT_LIMIT -> new ClientErrorException("You already have " + maxRunningTurnsPerUser
                        + " answers running, the most one user may have at once. Wait for one to finish or stop it.",
                        Response.status(429).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build());
                case SERVER_AT_LIMIT -> new ServiceUnavailableException(
                        "The server is answering too many questions right now. Try again shortly.", RETRY_AFTER_SECONDS);
            };
        }
    }

    private static ClientErrorException sessionBusy() {
        return new ClientErrorException("A turn is already running in this chat session. Wait for it to finish or stop it.",
                Response.Status.CONFLICT);
    }

    private String tooLong() {
        long seconds = Math.round(TurnSetup.maxTurnDuration(maxTurnSeconds).toMillis() / 1000.0);
        String limit = seconds % 60 == 0 ? (seconds / 60) + (seconds == 60 ? " minute" : " minutes") : seconds + " seconds";
        return "The answer took longer than the " + limit + " allowed and was ended. The answer so far is saved; ask again to retry.";
    }

    public Optional<Turn> running(String sessionId) {
        return slots.running(sessionId);
    }

    /**
     * Stops the session's turn, here or on the server running it.
     *
     * @return the id of the answer being stopped; empty when no turn runs in the session
     */
    public Optional<String> stop(String sessionId) {
        Optional<Turn> here = slots.running(sessionId);
        if (here.isPresent()) {
            here.get().stop();
            return Optional.of(here.get().answerId());
        }
        return shared.stop(sessionId);
    }

    /**
     * A session about to be deleted takes its running turn with it, here or on another server. If
     * the other servers cannot be asked, the delete goes on: their turn's saves then find no row.
     */
    public void stopBeforeDelete(String sessionId) {
        try {
            stop(sessionId);
        } catch (ServiceUnavailableException e) {
            LOG.log(Level.FINE, "The turn of session " + sessionId + " on another server is left to end by itself", e);
        }
    }

    /**
     * The session's latest turn, running or finished, for a client that resumes it. A turn finished
     * before this server started is rebuilt from the saved messages.
     */
    public Optional<Turn> latest(ChatSession session) {
        Optional<Turn> turn = slots.running(session.id());
        if (turn.isEmpty()) {
            turn = shared.latest(session.id(), finished.get(session.id()));
        }
        return turn.isPresent() ? turn : history.replay(session.id());
    }

    private void ended(TurnSlots.Slot slot, Turn turn) {
        finished.put(turn.sessionId(), turn);
        slots.release(slot);
    }

    /**
     * A notebook about to be deleted takes its running turns with it, like a deleted session: their
     * provider connections are closed before its rows go. The turns of other servers are found by
     * the answers the database still has {@code streaming} in the notebook, each stopped as a
     * deleted session's is.
     */
    void stopTurnsOf(@Observes NotebookDeleting deleting) {
        slots.runningIn(deleting.notebookId()).forEach(Turn::stop);
        sessions.answeringIn(deleting.notebookId()).stream()
                .filter(sessionId -> slots.running(sessionId).isEmpty())
                .forEach(this::stopBeforeDelete);
    }

    /** A server going down ends every turn with an error event; the partial answers are saved. */
    @PreDestroy
    void shutdown() {
        checkpoints.cancel(false);
        slots.running().forEach(turn -> turn.fail("The server is shutting down. Your message and the answer so far are saved; ask again in a moment."));
    }
}
