package dev.notebookchat.chat.control;

import dev.notebookchat.chat.control.Turn.Checkpoint;
import dev.notebookchat.chat.control.Turn.Ending;
import dev.notebookchat.chat.control.Turn.Numbered;
import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ChatMessage.Status;
import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A turn driven directly, as a provider and a stream would drive it, with the save and the executor faked. */
class TurnTest {

    static final String QUESTION = "What do the sources say?";
    static final Instant ASKED = Instant.parse("2026-11-26T17:09:57.123Z");
    static final String DATABASE_DOWN = "The answer could not be saved because the database is unavailable. "
            + "Your message is kept; try again shortly.";

    private static final Logger TURN_LOG = Logger.getLogger(Turn.class.getName());
    private Level logLevel;

    final RecordingStore store = new RecordingStore();
    final QueuedExecutor queued = new QueuedExecutor();
    final List<Turn> ended = Collections.synchronizedList(new ArrayList<>());
    final RecordingStream provider = new RecordingStream();

    @BeforeEach
    void quietSaveFailures() {
        logLevel = TURN_LOG.getLevel();
        TURN_LOG.setLevel(Level.OFF);
    }

    @AfterEach
    void restoreLogging() {
        TURN_LOG.setLevel(logLevel);
    }

    @Test
    void theFirstEventIsTheUsersMessage() {
        Turn turn = turn(1000, Runnable::run);

        assertEquals(Optional.of(new Numbered(1, new ChatEvent.UserMessage(QUESTION, ASKED))), turn.eventAt(0));
        assertEquals(Optional.empty(), turn.eventAt(1));
        assertEquals(new ChatEvent.UserMessage(QUESTION, ASKED), turn.lastEvent());
        assertFalse(turn.ended());
        assertEquals("", turn.answerSoFar());
        assertEquals("session-1", turn.sessionId());
        assertEquals("answer-1", turn.answerId());
    }

    @Test
    void aTurnTakesFollowersUpToItsLimit() {
        Turn turn = turn(1000, Runnable::run);
        List<String> woken = new ArrayList<>();

        assertTrue(turn.follow(() -> woken.add("first"), 2));
        assertTrue(turn.follow(() -> woken.add("second"), 2));
        assertFalse(turn.follow(() -> woken.add("third"), 2));

        assertEquals(List.of("first", "second"), woken, "the refused follower is never woken");
    }

    @Test
    void theTerminalEventsOfACompletedTurnAreItsLastTwo() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(2, turn.terminalIndex());
        assertInstanceOf(ChatEvent.AiMessageComplete.class, turn.eventAt(2).orElseThrow().event());
    }

    @Test
    void theTerminalEventOfAFailedTurnIsItsError() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The");
        turn.fail("The answer took longer than the 10 minutes allowed and was ended.");

        assertEquals(2, turn.terminalIndex());
        assertEquals(new ChatEvent.Error("The answer took longer than the 10 minutes allowed and was ended."),
                turn.eventAt(2).orElseThrow().event());
    }

    @Test
    void tokensFollowInOrderNumberedFromTwo() {
        Turn turn = turn(1000, Runnable::run);

        turn.onToken("The");
        turn.onToken(" sources\n\n");
        turn.onToken("say");

        assertEquals(List.of(
                new Numbered(1, new ChatEvent.UserMessage(QUESTION, ASKED)),
                new Numbered(2, new ChatEvent.Token("The")),
                new Numbered(3, new ChatEvent.Token(" sources\n\n")),
                new Numbered(4, new ChatEvent.Token("say"))), log(turn));
        assertEquals("The sources\n\nsay", turn.answerSoFar());
        assertFalse(turn.ended());
    }

    @Test
    void everyFollowerReadsTheSameDataTextOfAnEvent() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The \"sources\"");

        String first = turn.eventAt(1).orElseThrow().data();
        assertEquals("{\"type\":\"token\",\"content\":\"The \\\"sources\\\"\"}", first);
        assertSame(first, turn.eventAt(1).orElseThrow().data());
    }

    @Test
    void emptyTokensAddNothing() {
        Turn turn = turn(1000, Runnable::run);

        turn.onToken("");
        turn.onToken(null);

        assertEquals(1, log(turn).size());
    }

    @Test
    void theAnswerCitesWhatItWasGivenAndSavesTheSameList() {
        Turn turn = turn(1000, Runnable::run);
        List<Citation> citations = List.of(new Citation("s-1", null, "Guide", 3, "About 25 seconds."));
        turn.cite(citations, null);
        turn.attach(provider);

        turn.onToken("25 s");
        turn.onQuoted(List.of(0));
        turn.onComplete("stop", new Usage(3, 1));

        assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 1, citations), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "25 s", Status.complete, "stop", new Usage(3, 1), citations)), store.saved);
    }

    @Test
    void citationsLookedUpFromTheAnswerAreWaitedForBeforeTheAnswerEnds() {
        Turn turn = turn(1000, Runnable::run);
        CompletableFuture<List<Citation>> lookup = new CompletableFuture<>();
        List<String> lookedUpFor = new ArrayList<>();
        turn.cite(List.of(), null);
        turn.citeLater(answer -> {
            lookedUpFor.add(answer);
            return lookup;
        });
        turn.attach(provider);

        turn.onToken("25 ");
        assertEquals(List.of(), lookedUpFor, "looked up once the answer is known");
        turn.onToken("s");
        turn.onComplete("stop", new Usage(3, 1));
        assertEquals(List.of("25 s"), lookedUpFor);
        assertEquals(List.of(), store.saved, "nothing is saved before the citations are known");
        assertFalse(turn.finished().toCompletableFuture().isDone());

        List<Citation> citations = List.of(new Citation("s-1", null, "Guide", 3, "About 25 seconds."));
        lookup.complete(citations);

        assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 1, citations), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "25 s", Status.complete, "stop", new Usage(3, 1), citations)), store.saved);
    }

    @Test
    void aFailedCitationLookupCostsTheCitationsNotTheAnswer() {
        List<Function<String, CompletionStage<List<Citation>>>> failing = List.of(
                answer -> CompletableFuture.failedFuture(new IllegalStateException("the database went away")),
                answer -> {
                    throw new IllegalStateException("the lookup could not start");
                });
        for (Function<String, CompletionStage<List<Citation>>> lookup : failing) {
            store.saved.clear();
            Turn turn = turn(1000, Runnable::run);
            turn.citeLater(lookup);
            turn.attach(provider);

            turn.onToken("25 s");
            turn.onComplete("stop", new Usage(3, 1));

            assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 1, List.of()), turn.lastEvent());
            assertEquals(List.of(new Ending("answer-1", "25 s", Status.complete, "stop", new Usage(3, 1), List.of())), store.saved);
        }
    }

    @Test
    void aModelThatSaysWhatItQuotesCitesExactlyThosePassagesInItsOrder() {
        Turn turn = turn(1000, Runnable::run);
        Citation guide = new Citation("s-1", null, "Guide", 3, "About 25 seconds.");
        Citation dose = new Citation(null, "n-1", "Dose", 1, "18 grams.");
        turn.cite(List.of(), java.util.Arrays.asList(guide, null, dose));
        turn.attach(provider);

        turn.onToken("18 g, 25 s");
        turn.onQuoted(List.of(2, 1, 0, 2));
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(new ChatEvent.Complete("answer-1", "stop", null, null, List.of(dose, guide)), turn.lastEvent(),
                "the whole text it also quoted is no passage, and a passage is cited once");
    }

    @Test
    void completingAddsTheWholeAnswerAndThenComplete() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        turn.onToken("The");
        turn.onToken(" sources");
        turn.onToken(" say ...");
        turn.onComplete("stop", new Usage(812, 57));

        List<Numbered> log = log(turn);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), log.stream().map(Numbered::id).toList());
        var answer = assertInstanceOf(ChatEvent.AiMessageComplete.class, log.get(4).event());
        assertEquals("The sources say ...", answer.content());
        assertEquals(tokenText(log), answer.content());
        assertFalse(answer.timestamp().isBefore(before));
        assertFalse(answer.timestamp().isAfter(Instant.now()));
        assertEquals(answer.timestamp(), answer.timestamp().truncatedTo(ChronoUnit.MILLIS));
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 812, 57), log.get(5).event());
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 812, 57), turn.lastEvent());
        assertTrue(turn.ended());
        assertEquals(List.of(new Ending("answer-1", "The sources say ...", Status.complete, "stop", new Usage(812, 57))), store.saved);
        assertEquals(List.of(turn), ended);
        assertEquals(0, provider.cancels.get());
    }

    @Test
    void anEmptyAnswerStillCompletes() {
        Turn turn = turn(1000, Runnable::run);

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of("user_message", "ai_message_complete", "complete"), types(turn));
        assertEquals("", ((ChatEvent.AiMessageComplete) turn.eventAt(1).orElseThrow().event()).content());
        assertEquals(List.of(new Ending("answer-1", "", Status.complete, "stop", Usage.UNKNOWN)), store.saved);
    }

    @Test
    void usageTheProviderDidNotReportIsNull() {
        Turn turn = turn(1000, Runnable::run);

        turn.onToken("Hi");
        turn.onComplete("stop", null);

        assertEquals(new ChatEvent.Complete("answer-1", "stop", null, null), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "Hi", Status.complete, "stop", Usage.UNKNOWN)), store.saved);
    }

    @Test
    void aProviderThatNamesNoFinishReasonStoppedNormally() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("Hi");

        turn.onComplete(null, new Usage(3, 1));

        assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 1), turn.lastEvent());
        assertEquals("stop", turn.lastEvent().toJson().getString("finish_reason"));
        assertEquals(List.of(new Ending("answer-1", "Hi", Status.complete, "stop", new Usage(3, 1))), store.saved);
    }

    @Test
    void theAnswerIsSavedOnTheExecutorAndOnlyThenDoesTheTurnEnd() {
        Turn turn = turn(1000, queued);
        turn.onToken("Hi");

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of("user_message", "token"), types(turn));
        assertFalse(turn.ended());
        assertEquals(List.of(), store.saved);
        assertEquals(List.of(), ended);
        // Ending, not yet ended: nothing else may change the answer meanwhile.
        turn.onToken(" there");
        assertFalse(turn.stop());
        turn.onFailure(failure("late"));
        assertEquals("Hi", turn.answerSoFar());

        queued.runAll();

        assertEquals(List.of("user_message", "token", "ai_message_complete", "complete"), types(turn));
        assertEquals(List.of(new Ending("answer-1", "Hi", Status.complete, "stop", Usage.UNKNOWN)), store.saved);
        assertTrue(turn.ended());
        assertEquals(List.of(turn), ended);
    }

    @Test
    void aProviderFailureEndsTheTurnWithOneErrorAndKeepsThePartialAnswer() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        turn.onToken("The sources");

        turn.onFailure(failure("The openai provider is overloaded right now. Try again in a minute."));

        assertEquals(List.of(
                new Numbered(1, new ChatEvent.UserMessage(QUESTION, ASKED)),
                new Numbered(2, new ChatEvent.Token("The sources")),
                new Numbered(3, new ChatEvent.Error("The openai provider is overloaded right now. Try again in a minute.",
                        ProviderFailure.Kind.IN_BAND))),
                log(turn));
        assertTrue(turn.ended());
        assertEquals(List.of(new Ending("answer-1", "The sources", Status.error, "error", Usage.UNKNOWN)), store.saved);
        assertEquals(List.of(turn), ended);
    }

    @Test
    void failingTheTurnFromOutsideAbortsTheProvider() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        turn.onToken("The");

        turn.fail("The server is shutting down.");

        assertEquals(1, provider.cancels.get());
        assertEquals(new ChatEvent.Error("The server is shutting down."), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "The", Status.error, "error", Usage.UNKNOWN)), store.saved);
    }

    @Test
    void aFailureThatCannotBeSavedStillEndsWithItsOwnMessage() {
        store.failure = new IllegalStateException("connection refused");
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The");

        turn.onFailure(failure("The openai provider rejected the key."));

        assertEquals(List.of("user_message", "token", "error"), types(turn));
        assertEquals(new ChatEvent.Error("The openai provider rejected the key.", ProviderFailure.Kind.IN_BAND), turn.lastEvent());
        assertEquals(1, store.saved.size());
        assertTrue(turn.ended());
        assertEquals(List.of(turn), ended);
    }

    @Test
    void anAnswerThatCannotBeSavedEndsWithADatabaseErrorAndNoComplete() {
        store.failure = new IllegalStateException("connection refused");
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The sources say ...");

        turn.onComplete("stop", new Usage(812, 57));

        assertEquals(List.of(
                new Numbered(1, new ChatEvent.UserMessage(QUESTION, ASKED)),
                new Numbered(2, new ChatEvent.Token("The sources say ...")),
                new Numbered(3, new ChatEvent.Error(DATABASE_DOWN))), log(turn));
        assertEquals(List.of(new Ending("answer-1", "The sources say ...", Status.complete, "stop", new Usage(812, 57))), store.saved);
        assertTrue(turn.ended());
        assertEquals(List.of(turn), ended);
    }

    @Test
    void stopAbortsTheProviderAndCompletesWithThePartialAnswer() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        turn.onToken("The");
        turn.onToken(" sources");

        assertTrue(turn.stop());

        assertEquals(1, provider.cancels.get());
        List<Numbered> log = log(turn);
        assertEquals(List.of("user_message", "token", "token", "ai_message_complete", "complete"), types(turn));
        assertEquals("The sources", ((ChatEvent.AiMessageComplete) log.get(3).event()).content());
        assertEquals(new Numbered(5, new ChatEvent.Complete("answer-1", "stopped", null, null)), log.get(4));
        assertEquals(List.of(new Ending("answer-1", "The sources", Status.stopped, "stopped", Usage.UNKNOWN)), store.saved);
        assertEquals(List.of(turn), ended);
    }

    @Test
    void aSecondStopChangesNothing() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        turn.stop();

        assertFalse(turn.stop());

        assertEquals(List.of("user_message", "ai_message_complete", "complete"), types(turn));
        assertEquals(1, store.saved.size());
        assertEquals(List.of(turn), ended);
    }

    @Test
    void aStopBeforeTheProviderIsAttachedCancelsItTheMomentItIs() {
        Turn turn = turn(1000, Runnable::run);

        assertTrue(turn.stop());
        assertEquals(new ChatEvent.Complete("answer-1", "stopped", null, null), turn.lastEvent());
        assertEquals(0, provider.cancels.get());

        turn.attach(provider);

        assertEquals(1, provider.cancels.get());
    }

    @Test
    void attachingWithoutAStopLeavesTheProviderRunning() {
        Turn turn = turn(1000, Runnable::run);

        turn.attach(provider);

        assertEquals(0, provider.cancels.get());
    }

    @Test
    void providerEventsAfterTheEndAreIgnored() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("Done");
        turn.onComplete("stop", new Usage(1, 1));
        List<Numbered> before = log(turn);

        turn.onToken(" and more");
        turn.onComplete("length", new Usage(2, 2));
        turn.onFailure(failure("The stream broke."));
        turn.fail("The server is shutting down.");

        assertEquals(before, log(turn));
        assertEquals("Done", turn.answerSoFar());
        assertEquals(List.of(new Ending("answer-1", "Done", Status.complete, "stop", new Usage(1, 1))), store.saved);
        assertEquals(List.of(turn), ended);
    }

    @Test
    void providerEventsAfterAFailureAreIgnored() {
        Turn turn = turn(1000, Runnable::run);
        turn.onFailure(failure("The stream broke."));

        turn.onToken("late");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of("user_message", "error"), types(turn));
        assertEquals(1, store.saved.size());
        assertEquals(List.of(turn), ended);
    }

    @Test
    void anAnswerLongerThanTheMaximumIsCutOffWithFinishReasonLength() {
        Turn turn = turn(10, Runnable::run);
        turn.attach(provider);
        turn.onToken("Hello ");

        turn.onToken("world!");

        assertEquals(1, provider.cancels.get());
        assertEquals(List.of("user_message", "token", "token", "ai_message_complete", "complete"), types(turn));
        assertEquals("Hello world!", ((ChatEvent.AiMessageComplete) turn.eventAt(3).orElseThrow().event()).content());
        assertEquals(new ChatEvent.Complete("answer-1", "length", null, null), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "Hello world!", Status.complete, "length", Usage.UNKNOWN)), store.saved);

        turn.onToken(" more");
        turn.onComplete("stop", Usage.UNKNOWN);
        assertEquals(5, log(turn).size());
        assertEquals(1, store.saved.size());
    }

    @Test
    void anAnswerOfExactlyTheMaximumIsNotCutOff() {
        Turn turn = turn(10, Runnable::run);
        turn.attach(provider);

        turn.onToken("Hello");
        turn.onToken("world");
        turn.onComplete("stop", new Usage(3, 2));

        assertEquals(0, provider.cancels.get());
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 2), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "Helloworld", Status.complete, "stop", new Usage(3, 2))), store.saved);
    }

    @Test
    void eventsBeyondTheEndOfTheLogDoNotExistYet() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("Hi");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertTrue(turn.eventAt(3).isPresent());
        assertEquals(Optional.empty(), turn.eventAt(4));
        assertEquals(Optional.empty(), turn.eventAt(400));
        assertEquals(Optional.empty(), turn.eventAt(-1));
    }

    @Test
    void followersAreWokenOnFollowingOnEachEventAndAtTheEnd() {
        Turn turn = turn(1000, Runnable::run);
        Reader reader = new Reader(turn);

        turn.follow(reader);
        assertEquals(1, reader.wakes);
        assertEquals(1, reader.read.size());

        turn.onToken("The");
        turn.onToken(" sources");
        assertEquals(3, reader.wakes);
        assertEquals(3, reader.read.size());

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(4, reader.wakes);
        assertEquals(log(turn), reader.read);
        assertEquals(List.of(false, false, false, true), reader.endedAtWake);
    }

    @Test
    void followersAreWokenWhenTheTurnFailsOrStops() {
        Turn failing = turn(1000, Runnable::run);
        Reader failingReader = new Reader(failing);
        failing.follow(failingReader);
        failing.onFailure(failure("The stream broke."));

        Turn stopped = turn(1000, Runnable::run);
        Reader stoppedReader = new Reader(stopped);
        stopped.follow(stoppedReader);
        stopped.stop();

        assertEquals(List.of(false, true), failingReader.endedAtWake);
        assertEquals(log(failing), failingReader.read);
        assertEquals(List.of(false, true), stoppedReader.endedAtWake);
        assertEquals(log(stopped), stoppedReader.read);
    }

    @Test
    void theTurnHasEndedBeforeFollowersHearOfIt() {
        Turn turn = turn(1000, Runnable::run);
        List<Boolean> endedWhenToldOfIt = new ArrayList<>();
        Turn.Follower follower = () -> endedWhenToldOfIt.add(turn.ended() && ended.contains(turn));
        turn.follow(follower);

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of(false, true), endedWhenToldOfIt);
    }

    @Test
    void aFollowerThatJoinsLateReadsFromTheFirstEvent() {
        Turn turn = turn(1000, Runnable::run);
        turn.follow(new Reader(turn));
        turn.onToken("The");
        turn.onToken(" sources");
        turn.onComplete("stop", Usage.UNKNOWN);

        Reader late = new Reader(turn);
        turn.follow(late);

        assertEquals(1, late.wakes);
        assertEquals(log(turn), late.read);
        assertEquals(1, late.read.get(0).id());
    }

    @Test
    void tokensAlreadyInTheLogAreSentOnAsOneWithTheLastId() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The");
        assertEquals(turn.eventAt(1), turn.pendingAt(1), "a single token is itself");
        turn.onToken(" sources");
        turn.onToken(" say");

        assertEquals(Optional.of(new Numbered(4, new ChatEvent.Token("The sources say"))), turn.pendingAt(1));
        assertEquals(Optional.of(new Numbered(4, new ChatEvent.Token(" sources say"))), turn.pendingAt(2));
        assertEquals(turn.eventAt(0), turn.pendingAt(0), "the question is never merged");
        assertEquals(Optional.empty(), turn.pendingAt(4));

        turn.onComplete("stop", Usage.UNKNOWN);
        assertEquals(Optional.of(new Numbered(4, new ChatEvent.Token("The sources say"))), turn.pendingAt(1),
                "the terminal events stay events of their own");
        assertEquals(turn.eventAt(4), turn.pendingAt(4));
        assertEquals(turn.eventAt(5), turn.pendingAt(5));
    }

    @Test
    void aFollowerThatLeftIsNotWokenAgain() {
        Turn turn = turn(1000, Runnable::run);
        Reader reader = new Reader(turn);
        turn.follow(reader);

        turn.unfollow(reader);
        turn.onToken("The");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(1, reader.wakes);
    }

    @Test
    void aFollowerThatThrowsAffectsNeitherTheProviderNorTheOtherFollowers() {
        Turn turn = turn(1000, Runnable::run);
        turn.attach(provider);
        Reader reader = new Reader(turn);
        AtomicInteger brokenWakes = new AtomicInteger();
        turn.follow(() -> {
            if (brokenWakes.incrementAndGet() > 1) {
                throw new IllegalArgumentException("cannot write this event");
            }
        });
        turn.follow(reader);

        turn.onToken("The");
        turn.onToken(" answer");
        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(4, brokenWakes.get());
        assertEquals(log(turn), reader.read);
        assertEquals(List.of(false, false, false, true), reader.endedAtWake);
        assertEquals(new ChatEvent.Complete("answer-1", "stop", null, null), turn.lastEvent());
        assertEquals(0, provider.cancels.get());
    }

    @Test
    void aFailingEndCallbackStillWakesTheFollowers() {
        Turn turn = new Turn("session-1", "answer-1", QUESTION, ASKED, 1000, store.savingOn(Runnable::run),
                t -> { throw new IllegalStateException("registry gone"); });
        Reader reader = new Reader(turn);
        turn.follow(reader);

        turn.onComplete("stop", Usage.UNKNOWN);

        assertEquals(List.of(false, true), reader.endedAtWake);
        assertTrue(turn.ended());
    }

    @Test
    void aStopRacingTheProviderSavesExactlyTheTokensInTheLog() throws Exception {
        Turn turn = turn(Integer.MAX_VALUE, Runnable::run);
        turn.attach(provider);
        CountDownLatch firstToken = new CountDownLatch(1);
        // Streams until cancelled, then, like a provider whose callback was already underway, says a little more.
        Thread providerThread = new Thread(() -> {
            for (int i = 0; !provider.cancelled(); i++) {
                turn.onToken("t" + i + " ");
                firstToken.countDown();
            }
            turn.onToken("late ");
            turn.onComplete("stop", Usage.UNKNOWN);
        });
        providerThread.start();

        boolean streaming = firstToken.await(5, TimeUnit.SECONDS);
        assertTrue(turn.stop());
        providerThread.join();
        assertTrue(streaming);

        List<Numbered> log = log(turn);
        var answer = assertInstanceOf(ChatEvent.AiMessageComplete.class, log.get(log.size() - 2).event());
        assertEquals(tokenText(log), answer.content());
        assertEquals(new ChatEvent.Complete("answer-1", "stopped", null, null), log.get(log.size() - 1).event());
        assertEquals(List.of(new Ending("answer-1", answer.content(), Status.stopped, "stopped", Usage.UNKNOWN)), store.saved);
        assertEquals(List.of(turn), ended);
    }

    @Test
    void finishedCompletesWithTheTerminalEventOnce() {
        Turn turn = turn(1000, Runnable::run);
        var finished = turn.finished().toCompletableFuture();
        turn.onToken("The notebook");
        assertFalse(finished.isDone());

        turn.onComplete("stop", new Usage(3, 1));
        turn.onFailure(new dev.notebookchat.provider.spi.ProviderFailure(
                dev.notebookchat.provider.spi.ProviderFailure.Kind.IN_BAND, "openai", "too late"));

        assertEquals(new ChatEvent.Complete("answer-1", "stop", 3, 1), finished.getNow(null));
    }

    @Test
    void whileTheSaveIsRetriedTheTurnWaitsAndThenCompletesAsUsual() {
        CompletableFuture<Void> saving = new CompletableFuture<>();
        List<Ending> attempted = new ArrayList<>();
        Function<Ending, CompletionStage<Void>> retrying = ending -> {
            attempted.add(ending);
            return saving;
        };
        Turn turn = new Turn("session-1", "answer-1", QUESTION, ASKED, 1000, retrying, ended::add);
        Reader reader = new Reader(turn);
        turn.follow(reader);
        turn.onToken("The sources say ...");

        turn.onComplete("stop", new Usage(812, 57));

        assertEquals(List.of("user_message", "token"), types(turn));
        assertFalse(turn.ended());
        assertFalse(turn.stop(), "a turn being saved has ended for the provider: nothing to stop");
        assertEquals(List.of(), ended);

        saving.complete(null);

        assertEquals(List.of("user_message", "token", "ai_message_complete", "complete"), types(turn));
        assertEquals(new ChatEvent.Complete("answer-1", "stop", 812, 57), turn.lastEvent());
        assertEquals(List.of(new Ending("answer-1", "The sources say ...", Status.complete, "stop", new Usage(812, 57))), attempted);
        assertTrue(turn.ended());
        assertEquals(List.of(turn), ended);
        assertEquals(log(turn), reader.read);
    }

    @Test
    void aFailedCheckpointTellsTheCaller() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The notebook");
        store.checkpointFailure = new IllegalStateException("database down");

        assertFalse(checkpoint(turn));
        store.checkpointFailure = null;
        assertTrue(checkpoint(turn));
        assertTrue(checkpoint(turn), "nothing new to save is no failure");
    }

    @Test
    void aCheckpointSavesTheAnswerSoFarOnlyWhenItGrew() {
        Turn turn = turn(1000, Runnable::run);

        checkpoint(turn);
        turn.onToken("The notebook");
        checkpoint(turn);
        checkpoint(turn);
        turn.onToken(" says");
        checkpoint(turn);

        assertEquals(List.of("answer-1:The notebook", "answer-1:The notebook says"), store.checkpoints);
    }

    @Test
    void aFailedCheckpointIsTriedAgainAndNeverEndsTheTurn() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The notebook");
        store.checkpointFailure = new IllegalStateException("database down");

        checkpoint(turn);
        store.checkpointFailure = null;
        checkpoint(turn);

        assertEquals(List.of("answer-1:The notebook"), store.checkpoints);
        assertFalse(turn.ended());
        assertEquals(List.of(), store.saved);
    }

    @Test
    void anEndedTurnTakesNoCheckpoint() {
        Turn turn = turn(1000, Runnable::run);
        turn.onToken("The notebook");
        turn.onComplete("stop", Usage.UNKNOWN);

        checkpoint(turn);

        assertEquals(List.of(), store.checkpoints);
    }

    @Test
    void theAnswersOfAllTurnsThatGrewAreSavedInOneWrite() {
        Turn first = turn(1000, Runnable::run);
        Turn second = new Turn("session-2", "answer-2", QUESTION, ASKED, 1000, store.savingOn(Runnable::run), ended::add);
        Turn quiet = new Turn("session-3", "answer-3", QUESTION, ASKED, 1000, store.savingOn(Runnable::run), ended::add);
        Turn over = new Turn("session-4", "answer-4", QUESTION, ASKED, 1000, store.savingOn(Runnable::run), ended::add);
        first.onToken("The notebook");
        second.onToken("Tea");
        over.onToken("Done");
        over.onComplete("stop", Usage.UNKNOWN);

        assertTrue(checkpoint(first, second, quiet, over));
        second.onToken(" is best");
        assertTrue(checkpoint(first, second, quiet, over));

        assertEquals(List.of(
                List.of(new Checkpoint("answer-1", "The notebook"), new Checkpoint("answer-2", "Tea")),
                List.of(new Checkpoint("answer-2", "Tea is best"))), store.batches);
    }

    /** One round of the periodic checkpoint over {@code turns}. */
    private boolean checkpoint(Turn... turns) {
        return Turn.checkpoint(List.of(turns), store::checkpoint);
    }

    private Turn turn(int maxAnswerCharacters, Executor executor) {
        return new Turn("session-1", "answer-1", QUESTION, ASKED, maxAnswerCharacters, store.savingOn(executor), ended::add);
    }

    private static List<Numbered> log(Turn turn) {
        List<Numbered> log = new ArrayList<>();
        for (long i = 0; turn.eventAt(i).isPresent(); i++) {
            log.add(turn.eventAt(i).orElseThrow());
        }
        return log;
    }

    private static List<String> types(Turn turn) {
        return log(turn).stream().map(n -> n.event().type()).toList();
    }

    private static String tokenText(List<Numbered> log) {
        return log.stream().map(Numbered::event).filter(ChatEvent.Token.class::isInstance)
                .map(e -> ((ChatEvent.Token) e).content()).collect(Collectors.joining());
    }

    private static ProviderFailure failure(String message) {
        return new ProviderFailure(ProviderFailure.Kind.IN_BAND, "openai", message);
    }

    /** Where the turns under test save their ends and checkpoints instead of a database. */
    static final class RecordingStore {
        final List<Ending> saved = Collections.synchronizedList(new ArrayList<>());
        final List<String> checkpoints = Collections.synchronizedList(new ArrayList<>());
        RuntimeException failure;
        RuntimeException checkpointFailure;

        final List<List<Checkpoint>> batches = Collections.synchronizedList(new ArrayList<>());

        void checkpoint(List<Checkpoint> batch) {
            if (checkpointFailure != null) {
                throw checkpointFailure;
            }
            batches.add(List.copyOf(batch));
            batch.forEach(checkpoint -> checkpoints.add(checkpoint.answerId() + ":" + checkpoint.content()));
        }

        /** Saves an end in one attempt on {@code executor}; a failure fails the stage. */
        Function<Ending, CompletionStage<Void>> savingOn(Executor executor) {
            return ending -> CompletableFuture.runAsync(() -> {
                saved.add(ending);
                if (failure != null) {
                    throw failure;
                }
            }, executor);
        }
    }

    static final class RecordingStream implements ProviderStream {
        final AtomicInteger cancels = new AtomicInteger();

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }

        boolean cancelled() {
            return cancels.get() > 0;
        }
    }

    /** Runs the save only when the test says so, to look at the turn while it is being saved. */
    static final class QueuedExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    /** Reads everything there is whenever woken, as a stream to a client would. */
    static final class Reader implements Turn.Follower {
        final Turn turn;
        final List<Numbered> read = new ArrayList<>();
        final List<Boolean> endedAtWake = new ArrayList<>();
        int wakes;

        Reader(Turn turn) {
            this.turn = turn;
        }

        @Override
        public synchronized void wake() {
            wakes++;
            endedAtWake.add(turn.ended());
            for (Optional<Numbered> next = turn.eventAt(read.size()); next.isPresent(); next = turn.eventAt(read.size())) {
                read.add(next.get());
            }
        }
    }
}
