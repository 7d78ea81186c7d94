package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ChatMessage.Status;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderListener;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.Usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One answer in the making. It owns the numbered events of the turn (event {@code n} is the
 * {@code n-1}th of the log) and the followers reading them, each at its own pace: a follower that
 * joins late, or resumes after {@code Last-Event-ID}, reads the same log from its own cursor. The
 * provider never waits for a follower, and a follower that leaves does not stop the turn.
 *
 * <p>The log is the only buffer between provider and clients, and it is bounded: an answer longer
 * than the configured maximum is cut off with finish reason {@code length}.
 *
 * <p>Locking: the turn's monitor guards its state; followers are woken outside it, so a follower
 * may call back into the turn while holding its own lock without risking a deadlock.
 */
public class Turn implements ProviderListener {

    private static final Logger LOG = Logger.getLogger(Turn.class.getName());

    /** Someone reading the turn's events; woken whenever there is something new, or the turn ended. */
    public interface Follower {
        void wake();
    }

    /** An event with its SSE id and its {@code data:} text. */
    public record Numbered(long id, ChatEvent event, String data) {
        public Numbered(long id, ChatEvent event) {
            this(id, event, event.data());
        }
    }

    /** How an answer ended, to be saved; {@code citations} as the {@code complete} event carries them. */
    public record Ending(String answerId, String content, Status status, String finishReason, Usage usage,
                        List<Citation> citations) {
        public Ending {
            citations = citations == null ? List.of() : List.copyOf(citations);
        }

        public Ending(String answerId, String content, Status status, String finishReason, Usage usage) {
            this(answerId, content, status, finishReason, usage, List.of());
        }
    }

    /** The answer so far of a turn still streaming, to be saved in case the server dies before it ends. */
    public record Checkpoint(String answerId, String content) {
    }

    private enum State { RUNNING, ENDING, ENDED }

    private final String sessionId;
    private final String answerId;
    private final int maxAnswerCharacters;
    private final Function<Ending, CompletionStage<Void>> save;
    private final Consumer<Turn> onEnded;

    /** The events so far; its tokens' text is the answer so far. */
    private final EventLog log = new EventLog();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChatEvent> finished = new CompletableFuture<>();
    private State state = State.RUNNING;
    private ProviderStream providerStream;
    private boolean cancelRequested;
    private boolean checkpointing;
    private int checkpointedLength;
    /** What the answer cites unless the provider names the documents it quotes. */
    private List<Citation> citations = List.of();
    /** The passage of each document the provider was given (null for a document that is none), or null. */
    private List<Citation> documentPassages;
    /** The documents the provider said it quotes, best first. */
    private List<Integer> quoted = List.of();
    /** What the answer cites, being looked up while the provider answers; null when known from the start. */
    private Function<String, CompletionStage<List<Citation>>> laterCitations;

    /**
     * @param save    saves how the answer ended, trying as long as it sees fit, and never on the calling
     *                thread (a provider's or HTTP client's, which must not do database work): the stage
     *                completes once the answer is saved, or exceptionally once the save gave up waiting
     *                for the database, which the followers then hear as an {@code error} event
     * @param onEnded told once the last event is in the log
     */
    public Turn(String sessionId, String answerId, String userMessage, Instant userTimestamp,
                int maxAnswerCharacters, Function<Ending, CompletionStage<Void>> save, Consumer<Turn> onEnded) {
        this(sessionId, answerId, new ChatEvent.UserMessage(userMessage, userTimestamp), maxAnswerCharacters, save, onEnded);
    }

    /** A turn that is over, as its saved messages tell it: for resuming after the server restarted. */
    public static Turn replayed(String sessionId, String answerId, List<ChatEvent> events) {
        Turn turn = new Turn(sessionId, answerId, events.get(0), 0, null, t -> { });
        events.subList(1, events.size()).forEach(turn.log::append);
        turn.state = State.ENDED;
        turn.finished.complete(events.get(events.size() - 1));
        return turn;
    }

    /**
     * A turn another server runs, for the followers here: its log is filled by {@link #relay} with the
     * events that server numbered and encoded, and ends with the terminal one. Stopping it here does nothing.
     */
    public static Turn relayed(String sessionId, String answerId) {
        return new Turn(sessionId, answerId, null, 0, null, t -> { });
    }

    private Turn(String sessionId, String answerId, ChatEvent first, int maxAnswerCharacters,
                 Function<Ending, CompletionStage<Void>> save, Consumer<Turn> onEnded) {
        this.sessionId = sessionId;
        this.answerId = answerId;
        this.maxAnswerCharacters = maxAnswerCharacters;
        this.save = save;
        this.onEnded = onEnded;
        if (first != null) {
            log.append(first);
        }
    }

    /**
     * Appends events relayed from the server running the turn, in order, keeping their ids and their
     * {@code data:} text; an event this log has already, or one that would leave a gap, is skipped.
     * A {@code complete} or {@code error} ends the turn.
     */
    public void relay(List<Numbered> batch) {
        boolean ended = false;
        ChatEvent terminal = null;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            for (Numbered numbered : batch) {
                if (numbered.id() != log.size() + 1) {
                    continue;
                }
                log.append(numbered.event(), numbered.data());
                if (numbered.event() instanceof ChatEvent.Complete || numbered.event() instanceof ChatEvent.Error) {
                    state = State.ENDED;
                    terminal = numbered.event();
                    ended = true;
                    break;
                }
            }
        }
        wakeFollowers();
        if (ended) {
            finished.complete(terminal);
        }
    }

    /** The id of the newest event in the log, 0 while it is empty. */
    public synchronized long lastId() {
        return log.size();
    }

    public String sessionId() {
        return sessionId;
    }

    public String answerId() {
        return answerId;
    }

    /**
     * What the {@code complete} event will cite: {@code citations}, or, when {@code documentPassages}
     * is given (one entry per document of the provider request, null for one that is not a passage),
     * exactly the passages of the documents the provider says its answer quotes ({@link #onQuoted}).
     * Set before the provider starts.
     */
    public synchronized void cite(List<Citation> citations, List<Citation> documentPassages) {
        this.citations = List.copyOf(citations);
        this.documentPassages = documentPassages == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(documentPassages));
    }

    /**
     * What the {@code complete} event will cite, looked up from the answer's text when it ends: the end
     * waits for it (a lookup that failed cites nothing). Set before the provider starts.
     */
    public synchronized void citeLater(Function<String, CompletionStage<List<Citation>>> citations) {
        this.laterCitations = citations;
    }

    @Override
    public synchronized void onQuoted(List<Integer> documents) {
        quoted = List.copyOf(documents);
    }

    /** The citations as they stand: see {@link #cite}. */
    synchronized List<Citation> citations() {
        if (documentPassages == null) {
            return citations;
        }
        List<Citation> cited = new ArrayList<>();
        for (int document : quoted) {
            Citation passage = document >= 0 && document < documentPassages.size() ? documentPassages.get(document) : null;
            if (passage != null && !cited.contains(passage)) {
                cited.add(passage);
            }
        }
        return List.copyOf(cited);
    }

    /** Hands the turn the provider answer it follows; a stop requested before this cancels it at once. */
    public void attach(ProviderStream stream) {
        boolean cancelNow;
        synchronized (this) {
            providerStream = stream;
            cancelNow = cancelRequested;
        }
        if (cancelNow) {
            stream.cancel();
        }
    }

    public void follow(Follower follower) {
        follow(follower, Integer.MAX_VALUE);
    }

    /** Adds a follower unless the turn has {@code max} already; {@code false} then, and nothing changed. */
    public boolean follow(Follower follower, int max) {
        synchronized (followers) {
            if (followers.size() >= max) {
                return false;
            }
            followers.add(follower);
        }
        follower.wake();
        return true;
    }

    public void unfollow(Follower follower) {
        followers.remove(follower);
    }

    /** The event at {@code index} (0-based) if it exists yet. */
    public synchronized Optional<Numbered> eventAt(long index) {
        if (index < 0 || index >= log.size()) {
            return Optional.empty();
        }
        return Optional.of(log.numbered((int) index));
    }

    /**
     * What a follower sends next from {@code index} (0-based): the event there, or, when it is a
     * token and more tokens follow it in the log already, all of them as one token event that
     * carries the last one's id. A follower that fell behind so sends one event instead of many;
     * ids still rise strictly, the text is the same, and a client that resumes after the merged id
     * continues right after its last token.
     */
    public Optional<Numbered> pendingAt(long index) {
        EventLog.Run run;
        synchronized (this) {
            run = log.tokensFrom((int) Math.min(index, Integer.MAX_VALUE));
            if (run == null) {
                return eventAt(index);
            }
        }
        // Encoded outside the lock: the provider's thread appends meanwhile.
        return Optional.of(new Numbered(run.last() + 1L, run.token()));
    }

    /** True once the terminal event is in the log: a follower that read everything may close. */
    public synchronized boolean ended() {
        return state == State.ENDED;
    }

    /**
     * Completes with the terminal event ({@code complete} or {@code error}) once it is in the log,
     * on the thread that ended the turn, for a caller that wants the outcome rather than the stream.
     */
    public CompletionStage<ChatEvent> finished() {
        return finished;
    }

    /**
     * Where a client resuming past the end of the ended log starts again: at its terminal
     * events, {@code ai_message_complete} and {@code complete}, or the {@code error}. They keep their
     * ids in this log, which for a log rebuilt from the saved messages are smaller than the ids the
     * live stream had given them.
     */
    public synchronized long terminalIndex() {
        int last = log.size() - 1;
        boolean completed = last > 0 && log.event(last) instanceof ChatEvent.Complete
                && log.event(last - 1) instanceof ChatEvent.AiMessageComplete;
        return completed ? last - 1 : last;
    }

    /** The newest event: once the turn ended, {@code complete} or {@code error}. */
    public synchronized ChatEvent lastEvent() {
        return log.event(log.size() - 1);
    }

    public synchronized String answerSoFar() {
        return log.text();
    }

    @Override
    public void onToken(String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        boolean tooLong;
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            log.appendToken(text);
            tooLong = log.textLength() > maxAnswerCharacters;
        }
        wakeFollowers();
        if (tooLong) {
            cancelProvider();
            complete("length", Usage.UNKNOWN, Status.complete);
        }
    }

    /**
     * Saves the answers so far of those {@code turns} that grew since their last checkpoint, all in
     * one call of {@code save}, so the database sees one write per interval however many turns run
     * ({@code interrupted} at the next start marks what a dead server left behind). Called
     * periodically from outside, never from the token path; a turn's answer is in one save at a time,
     * and a save that fails is tried again with the answer as it is then.
     *
     * @param save saves the answers still streaming and never overwrites one that ended
     * @return false when the save failed
     */
    public static boolean checkpoint(Collection<Turn> turns, Consumer<List<Checkpoint>> save) {
        List<Turn> saving = new ArrayList<>();
        List<Checkpoint> due = new ArrayList<>();
        for (Turn turn : turns) {
            Checkpoint checkpoint = turn.checkpointDue();
            if (checkpoint != null) {
                saving.add(turn);
                due.add(checkpoint);
            }
        }
        if (due.isEmpty()) {
            return true;
        }
        boolean saved = false;
        try {
            save.accept(due);
            saved = true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "The answers so far of " + due.size() + " turns could not be saved; trying again later", e);
        } finally {
            for (int i = 0; i < saving.size(); i++) {
                saving.get(i).checkpointed(due.get(i), saved);
            }
        }
        return saved;
    }

    /** The answer so far if it grew since the last saved checkpoint and none is being saved; marks it being saved. */
    private synchronized Checkpoint checkpointDue() {
        if (state != State.RUNNING || checkpointing || log.textLength() == checkpointedLength) {
            return null;
        }
        checkpointing = true;
        return new Checkpoint(answerId, log.text());
    }

    private synchronized void checkpointed(Checkpoint checkpoint, boolean saved) {
        checkpointing = false;
        if (saved) {
            checkpointedLength = checkpoint.content().length();
        }
    }

    /** A provider that finished without naming a reason stopped normally: {@code complete} always carries one. */
    @Override
    public void onComplete(String finishReason, Usage usage) {
        complete(finishReason == null ? "stop" : finishReason, usage, Status.complete);
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        fail(failure.message(), failure.kind());
    }

    /** Ends the turn now, keeping the partial answer: the provider request is aborted. */
    public boolean stop() {
        cancelProvider();
        return complete("stopped", Usage.UNKNOWN, Status.stopped);
    }

    /** Ends the turn with an {@code error} event, keeping the partial answer. */
    public void fail(String message) {
        fail(message, null);
    }

    private void fail(String message, ProviderFailure.Kind cause) {
        String content;
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.ENDING;
            content = log.text();
        }
        cancelProvider();
        save.apply(new Ending(answerId, content, Status.error, "error", Usage.UNKNOWN, List.of())).whenComplete((saved, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "The failed answer of session " + sessionId + " could not be saved", e);
            }
            end(new ChatEvent.Error(message, cause));
        });
    }

    private boolean complete(String finishReason, Usage usage, Status status) {
        String content;
        synchronized (this) {
            if (state != State.RUNNING) {
                return false;
            }
            state = State.ENDING;
            content = log.text();
        }
        Usage reported = usage == null ? Usage.UNKNOWN : usage;
        Function<String, CompletionStage<List<Citation>>> later;
        List<Citation> known;
        synchronized (this) {
            later = laterCitations;
            known = citations();
        }
        CompletionStage<List<Citation>> citing = later == null ? CompletableFuture.completedFuture(known) : lookUp(later, content);
        // Until the save succeeds or gives up, followers see nothing new and keep their heartbeats.
        citing.thenCompose(cited -> save.apply(new Ending(answerId, content, status, finishReason, reported, cited))
                .thenApply(saved -> cited)).whenComplete((cited, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "The answer of session " + sessionId + " could not be saved", e);
                end(new ChatEvent.Error("The answer could not be saved because the database is unavailable. "
                        + "Your message is kept; try again shortly."));
                return;
            }
            Instant now = Instant.now();
            synchronized (this) {
                log.append(new ChatEvent.AiMessageComplete(content, now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
            }
            end(new ChatEvent.Complete(answerId, finishReason, reported.inputTokens(), reported.outputTokens(), cited));
        });
        return true;
    }

    private CompletionStage<List<Citation>> lookUp(Function<String, CompletionStage<List<Citation>>> lookup, String content) {
        try {
            return lookup.apply(content).exceptionally(e -> List.of());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The citations of session " + sessionId + " could not be looked up", e);
            return CompletableFuture.completedFuture(List.of());
        }
    }

    private void end(ChatEvent terminal) {
        synchronized (this) {
            log.append(terminal);
            state = State.ENDED;
            // An ended turn is kept for clients that resume it: its log, not the provider's exchange.
            providerStream = null;
        }
        try {
            onEnded.accept(this);
        } catch (RuntimeException e) {
            // It runs where the save completed, which has nobody to tell: logged here or lost.
            LOG.log(Level.SEVERE, "Ending the turn of session " + sessionId + " failed", e);
        } finally {
            wakeFollowers();
            finished.complete(terminal);
        }
    }

    private void cancelProvider() {
        ProviderStream stream;
        synchronized (this) {
            cancelRequested = true;
            stream = providerStream;
        }
        if (stream != null) {
            stream.cancel();
        }
    }

    /**
     * Runs on the provider's or the saving thread: a follower that throws must neither fail the
     * answer for everyone nor keep the other followers from hearing of it.
     */
    private void wakeFollowers() {
        for (Follower follower : followers) {
            try {
                follower.wake();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A follower of session " + sessionId + " failed", e);
            }
        }
    }
}
