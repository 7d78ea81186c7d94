package dev.notebookchat.provider.local;

import dev.notebookchat.provider.spi.ProviderFailure;
import dev.notebookchat.provider.spi.ProviderListener;
import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.provider.spi.ProviderStream;
import dev.notebookchat.provider.spi.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalExtractiveTest {

    static final List<ContextDocument> NOTEBOOK = ExtractiveAnswerTest.NOTEBOOK;

    static final String QUESTION = "How many seconds does the server need to start?";

    static final String ANSWER = """
            Here is what I found in this notebook:

            - "The server starts in about two seconds on a laptop." (Open Liberty guide)
            - "Measure how fast the server starts" (Meeting 12 May)""";

    private static final Duration DELAY = Duration.ofMillis(10);

    // Several threads, so that callbacks could overlap if the chaining did not prevent it.
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(4);

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void isTheLocalProvider() {
        assertEquals("local", new LocalExtractive(scheduler, Duration.ZERO).name());
    }

    @Test
    void answersFromTheNotebookWithTheBestSentenceFirstAndItsTitle() throws Exception {
        var answer = answer(request(QUESTION, NOTEBOOK), Duration.ZERO);

        assertEquals(ANSWER, answer.text());
        assertTrue(answer.text().indexOf("The server starts in about two seconds")
                < answer.text().indexOf("Measure how fast"), answer.text());
        assertTrue(answer.text().contains("(Open Liberty guide)"));
        assertTrue(answer.text().contains("(Meeting 12 May)"));
    }

    @Test
    void saysWhichDocumentsItsQuotesComeFromBestFirstBeforeItCompletes() throws Exception {
        assertEquals(List.of(0, 2), answer(request(QUESTION, NOTEBOOK), Duration.ZERO).quoted);
        assertEquals(List.of(), answer(request("Who won the football match?", NOTEBOOK), Duration.ZERO).quoted);
    }

    @Test
    void saysPlainlyWhenNothingInTheNotebookMatches() throws Exception {
        assertEquals("I could not find anything about that in this notebook's sources or notes. "
                        + "Add a source that covers it, or include more of the notebook in the context.",
                answer(request("Who won the football match?", NOTEBOOK), Duration.ZERO).text());
    }

    @Test
    void saysWhenTheContextIsEmpty() throws Exception {
        assertEquals("The context is empty: this notebook has no sources or notes selected. "
                        + "Add a source or a note, or select one for the context.",
                answer(request(QUESTION, List.of()), Duration.ZERO).text());
    }

    @Test
    void theSameQuestionGetsTheSameAnswerWordForWord() throws Exception {
        var first = answer(request(QUESTION, NOTEBOOK), Duration.ZERO);
        var second = answer(request(QUESTION, NOTEBOOK), Duration.ZERO);

        assertEquals(first.tokens(), second.tokens());
        assertEquals(first.usage(), second.usage());
    }

    @Test
    void streamsWordByWordKeepingTheWhitespace() throws Exception {
        var answer = answer(request(QUESTION, NOTEBOOK), Duration.ZERO);

        assertEquals(List.of("Here", " is", " what", " I", " found", " in", " this", " notebook:", "\n\n-", " \"The"),
                answer.tokens().subList(0, 10));
        assertEquals(ANSWER, String.join("", answer.tokens()));
        assertTrue(answer.tokens().stream().noneMatch(String::isEmpty));
        assertFalse(answer.overlapped());
        assertEquals(1, answer.terminals());
    }

    @Test
    void countsWordsReadAndTokensSent() throws Exception {
        var answer = answer(request(QUESTION, NOTEBOOK), Duration.ZERO);

        // Read: question 9 + titles 3 + 2 + 3 + texts 29 + 24 + 12 words.
        // Sent: lead 8 + "\n\n-" 1 + quote 10 + title 3 + "\n-" 1 + quote 6 + title 3.
        assertEquals(new Usage(82, 32), answer.usage());
        assertEquals("stop", answer.finishReason());
    }

    @Test
    void spreadsTheWordsOverTimeWithoutBlockingTheCaller() throws Exception {
        var answer = answer(request(QUESTION, NOTEBOOK), DELAY);

        var times = answer.nanoTimes();
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) >= times.get(i - 1), "token " + i + " arrived before token " + (i - 1));
        }
        long span = times.get(times.size() - 1) - times.get(0);
        assertTrue(span >= (times.size() - 1) * DELAY.toNanos() / 2, "all tokens within " + span + " ns");
    }

    @Test
    void startsAnsweringOnlyAfterStreamReturnsEvenWithoutDelay() throws Exception {
        var gate = blockScheduler();
        var recorder = new Recorder();

        new LocalExtractive(scheduler, Duration.ZERO).stream(request(QUESTION, NOTEBOOK), recorder);

        assertEquals(0, recorder.callbacks());
        gate.countDown();
        assertEquals(ANSWER, recorder.await().text());
    }

    @Test
    void cancelStopsTheAnswerMidStream() throws Exception {
        var thirdToken = new CountDownLatch(3);
        var recorder = new Recorder(token -> thirdToken.countDown());
        var stream = new LocalExtractive(scheduler, DELAY).stream(request(QUESTION, NOTEBOOK), recorder);
        assertTrue(thirdToken.await(5, TimeUnit.SECONDS));

        stream.cancel();
        int heard = recorder.callbacks();
        waitLongerThanTenTokens();

        assertEquals(heard, recorder.callbacks());
        assertTrue(heard < 32, "all " + heard + " tokens arrived before cancel");
        assertFalse(recorder.done.isDone());
    }

    @Test
    void cancelReturnsOnlyAfterTheCallbackInFlightAndNothingFollows() throws Exception {
        var delivering = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var recorder = new Recorder(token -> {
            if (token.equals(" is")) {
                delivering.countDown();
                awaitQuietly(release);
            }
        });
        var stream = new LocalExtractive(scheduler, Duration.ZERO).stream(request(QUESTION, NOTEBOOK), recorder);
        assertTrue(delivering.await(5, TimeUnit.SECONDS));

        var returned = new AtomicBoolean();
        var canceller = new Thread(() -> {
            stream.cancel();
            returned.set(true);
        });
        canceller.start();
        awaitBlocked(canceller);
        assertFalse(returned.get());

        release.countDown();
        canceller.join(5000);
        assertTrue(returned.get());
        waitLongerThanTenTokens();
        assertEquals(List.of("Here", " is"), recorder.tokens());
        assertFalse(recorder.done.isDone());
    }

    @Test
    void cancelFromInsideACallbackSilencesTheRest() throws Exception {
        var gate = blockScheduler();
        var stream = new AtomicReference<ProviderStream>();
        var recorder = new Recorder(token -> {
            if (token.equals(" what")) {
                stream.get().cancel();
            }
        });
        stream.set(new LocalExtractive(scheduler, Duration.ZERO).stream(request(QUESTION, NOTEBOOK), recorder));
        gate.countDown();
        waitLongerThanTenTokens();

        assertEquals(List.of("Here", " is", " what"), recorder.tokens());
        assertFalse(recorder.done.isDone());
    }

    @Test
    void cancelBeforeTheFirstTokenMeansNoCallbackAtAll() throws Exception {
        var gate = blockScheduler();
        var recorder = new Recorder();

        new LocalExtractive(scheduler, Duration.ZERO).stream(request(QUESTION, NOTEBOOK), recorder).cancel();
        gate.countDown();
        waitLongerThanTenTokens();

        assertEquals(0, recorder.callbacks());
    }

    @Test
    void aSchedulerShutDownMidAnswerEndsItWithAFailure() throws Exception {
        var recorder = new Recorder(token -> scheduler.shutdown());

        new LocalExtractive(scheduler, DELAY).stream(request(QUESTION, NOTEBOOK), recorder);

        var failure = recorder.failure.get(5, TimeUnit.SECONDS);
        assertEquals(ProviderFailure.Kind.IN_BAND, failure.kind());
        assertEquals("local", failure.provider());
        assertEquals(List.of("Here"), recorder.tokens());
        assertFalse(recorder.done.isDone());
    }

    private Recorder answer(ProviderRequest request, Duration delay) throws Exception {
        var recorder = new Recorder();
        new LocalExtractive(scheduler, delay).stream(request, recorder);
        recorder.await();
        assertNotEquals(Thread.currentThread().getName(), recorder.firstThread.get());
        return recorder;
    }

    /** Holds every scheduler thread until the returned latch opens, so a test can act before any step runs. */
    private CountDownLatch blockScheduler() throws InterruptedException {
        var gate = new CountDownLatch(1);
        var blocked = new CountDownLatch(scheduler.getCorePoolSize());
        for (int i = 0; i < scheduler.getCorePoolSize(); i++) {
            scheduler.execute(() -> {
                blocked.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(blocked.await(5, TimeUnit.SECONDS));
        return gate;
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.BLOCKED) {
            assertTrue(thread.isAlive() && System.nanoTime() < deadline, "cancel did not wait for the callback");
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the scheduler run whatever would have been due in the next ten token delays. */
    private void waitLongerThanTenTokens() throws Exception {
        scheduler.schedule(() -> { }, DELAY.toMillis() * 10, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }

    private static ProviderRequest request(String question, List<ContextDocument> documents) {
        return new ProviderRequest("extractive", null, null, "", List.of(new PromptMessage(Role.USER, question)),
                documents, true);
    }

    /** Records what a listener hears, and whether two callbacks ever ran at once. */
    private static final class Recorder implements ProviderListener {

        private final List<String> tokens = new ArrayList<>();
        private final List<Long> nanoTimes = new ArrayList<>();
        final CompletableFuture<Usage> done = new CompletableFuture<>();
        final CompletableFuture<ProviderFailure> failure = new CompletableFuture<>();
        final AtomicReference<String> firstThread = new AtomicReference<>();
        private final Consumer<String> onEachToken;
        private final AtomicBoolean inside = new AtomicBoolean();
        private final AtomicBoolean overlapped = new AtomicBoolean();
        private final AtomicInteger terminals = new AtomicInteger();
        private volatile String finishReason;
        volatile List<Integer> quoted;

        Recorder() {
            this(token -> { });
        }

        Recorder(Consumer<String> onEachToken) {
            this.onEachToken = onEachToken;
        }

        @Override
        public void onToken(String text) {
            enter();
            synchronized (this) {
                tokens.add(text);
                nanoTimes.add(System.nanoTime());
            }
            onEachToken.accept(text);
            leave();
        }

        @Override
        public void onQuoted(List<Integer> documents) {
            quoted = documents;
        }

        @Override
        public void onComplete(String finishReason, Usage usage) {
            enter();
            this.finishReason = finishReason;
            terminals.incrementAndGet();
            done.complete(usage);
            leave();
        }

        @Override
        public void onFailure(ProviderFailure providerFailure) {
            enter();
            terminals.incrementAndGet();
            failure.complete(providerFailure);
            leave();
        }

        Recorder await() throws Exception {
            done.get(5, TimeUnit.SECONDS);
            return this;
        }

        synchronized int callbacks() {
            return tokens.size() + terminals.get();
        }

        synchronized List<String> tokens() {
            return List.copyOf(tokens);
        }

        synchronized List<Long> nanoTimes() {
            return List.copyOf(nanoTimes);
        }

        synchronized String text() {
            return String.join("", tokens);
        }

        Usage usage() {
            return done.getNow(null);
        }

        String finishReason() {
            return finishReason;
        }

        boolean overlapped() {
            return overlapped.get();
        }

        int terminals() {
            return terminals.get();
        }

        private void enter() {
            firstThread.compareAndSet(null, Thread.currentThread().getName());
            if (!inside.compareAndSet(false, true)) {
                overlapped.set(true);
            }
        }

        private void leave() {
            inside.set(false);
        }
    }
}
