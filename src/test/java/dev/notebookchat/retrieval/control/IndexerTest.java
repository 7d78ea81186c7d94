package dev.notebookchat.retrieval.control;

import dev.notebookchat.retrieval.control.PassageTable.Claim;
import dev.notebookchat.retrieval.control.PassageTable.Embedded;
import dev.notebookchat.retrieval.entity.Passage;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One item through the indexer, with the database and the model played by fakes that record what they were asked. */
class IndexerTest {

    static final String TEXT = "Alpha beta gamma. Delta epsilon. Zeta eta theta iota kappa. Lambda mu nu. Xi omicron pi rho.";

    final Table table = new Table();
    final Model model = new Model();
    final Indexer indexer = indexer(table, model, 1);

    @Test
    void embedsEveryPassageOfANewItemOnceAndMarksItReady() {
        table.pending(Item.source("s1"), TEXT);

        indexer.index(Item.source("s1"));

        assertEquals(List.of("Alpha beta gamma. Delta epsilon.", "Delta epsilon. Zeta eta theta iota kappa.",
                "Lambda mu nu. Xi omicron pi rho."), model.embedded);
        List<Passage> passages = table.finished.get("s1");
        assertEquals(List.of(1, 2, 3), passages.stream().map(Passage::number).toList());
        assertEquals(List.of(18, 60), List.of(passages.get(1).start(), passages.get(2).start()));
        assertEquals(Indexer.sha256("Lambda mu nu. Xi omicron pi rho."), passages.get(2).textHash());
        assertEquals("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9", Indexer.sha256("hello world"));
        assertArrayEquals(model.vector("Lambda mu nu. Xi omicron pi rho."), VectorIndex.vector(passages.get(2).embedding()));
        assertEquals("s1", passages.get(0).sourceId());
        assertNull(passages.get(0).noteId());
    }

    @Test
    void anEditEmbedsOnlyThePassagesWhoseTextChanged() {
        table.pending(Item.note("n1"), TEXT);
        indexer.index(Item.note("n1"));
        model.embedded.clear();

        table.pending(Item.note("n1"), TEXT.replace("Xi omicron", "Xi OMICRON"));
        indexer.index(Item.note("n1"));

        assertEquals(List.of("Lambda mu nu. Xi OMICRON pi rho."), model.embedded);
        List<Passage> passages = table.finished.get("n1");
        assertEquals(3, passages.size());
        assertEquals("n1", passages.get(0).noteId());
        assertArrayEquals(model.vector("Alpha beta gamma. Delta epsilon."), VectorIndex.vector(passages.get(0).embedding()));
    }

    @Test
    void aClaimLostBetweenBatchesStopsTheWorkAndWritesNothing() {
        table.pending(Item.source("s1"), TEXT);
        table.renewals = 1; // the item is edited or deleted after the second batch

        indexer.index(Item.source("s1"));

        assertEquals(2, model.embedded.size());
        assertEquals(Map.of(), table.finished);
        assertEquals(List.of(), table.failed);
    }

    @Test
    void anItemSomeoneElseHasIsLeftAlone() {
        indexer.index(Item.source("not-pending"));

        assertEquals(List.of(), model.embedded);
        assertEquals(Map.of(), table.finished);
    }

    @Test
    void aModelFailureMarksTheItemFailed() {
        table.pending(Item.source("s1"), TEXT);
        model.failing = true;

        indexer.index(Item.source("s1"));

        assertEquals(List.of("s1"), table.failed);
        assertEquals(Map.of(), table.finished);
    }

    @Test
    void aSweepIndexesWhatIsPendingAndWhatAStoppedServerLeftHalfDone() {
        table.pending(Item.source("left-pending"), TEXT);
        table.pending(Item.note("abandoned"), "One sentence only.");
        table.waiting = List.of(Item.source("left-pending"), Item.note("abandoned"));
        indexer.executor = inline();
        indexer.queueSize = 10;
        OffsetDateTime before = OffsetDateTime.now();

        indexer.sweep();

        assertEquals(3, table.finished.get("left-pending").size());
        assertEquals(List.of("One sentence only."), table.finished.get("abandoned").stream().map(Passage::text).toList());
        // A claim counts as abandoned when it was not renewed for the indexing timeout (120 s here).
        long secondsBack = Duration.between(table.abandonedBefore, before).toSeconds();
        assertTrue(secondsBack >= 119 && secondsBack <= 121, secondsBack + " s");
    }

    @Test
    void aSmallItemQueuedBehindALargeOneIsIndexedAfterTheLargeOnesFirstBatch() {
        table.pending(Item.source("large"), TEXT);
        table.pending(Item.note("small"), "One sentence only.");
        table.waiting = List.of(Item.source("large"), Item.note("small"));
        List<Runnable> tasks = new ArrayList<>();
        indexer.executor = (ManagedExecutorService) Proxy.newProxyInstance(
                IndexerTest.class.getClassLoader(), new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        tasks.add((Runnable) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        indexer.queueSize = 10;

        indexer.sweep();
        assertEquals(1, tasks.size(), "one task drains the queue");
        tasks.get(0).run();

        // Batches of one passage: the large item's first, the small item whole, then the rest of the large one.
        assertEquals(List.of("Alpha beta gamma. Delta epsilon.", "One sentence only.",
                "Delta epsilon. Zeta eta theta iota kappa.", "Lambda mu nu. Xi omicron pi rho."), model.embedded);
        assertEquals(3, table.finished.get("large").size());
        assertEquals(1, table.finished.get("small").size());
    }

    /** A managed executor that runs each task at once on the calling thread. */
    static ManagedExecutorService inline() {
        return (ManagedExecutorService) Proxy.newProxyInstance(
                IndexerTest.class.getClassLoader(), new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        ((Runnable) args[0]).run();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static Indexer indexer(Table table, Model model, int batch) {
        Indexer indexer = new Indexer();
        indexer.table = table;
        indexer.embedder = model;
        indexer.passageCharacters = 50;
        indexer.overlapCharacters = 25;
        indexer.batch = batch;
        indexer.indexingTimeoutSeconds = 120;
        indexer.configure();
        return indexer;
    }

    /** The passage table in memory: items waiting with their text, and what was written. */
    static final class Table extends PassageTable {
        final Map<String, String> pending = new HashMap<>();
        final Map<String, Map<String, Embedded>> stored = new HashMap<>();
        final Map<String, List<Passage>> finished = new HashMap<>();
        final List<String> failed = new ArrayList<>();
        int renewals = Integer.MAX_VALUE;
        List<Item> waiting = List.of();
        OffsetDateTime abandonedBefore;

        @Override
        List<Item> waiting(OffsetDateTime abandonedBefore, int limit) {
            this.abandonedBefore = abandonedBefore;
            return waiting;
        }

        void pending(Item item, String content) {
            pending.put(item.id(), content);
        }

        @Override
        Optional<Claim> claim(Item item, OffsetDateTime now, OffsetDateTime abandonedBefore) {
            String content = pending.remove(item.id());
            return content == null ? Optional.empty()
                    : Optional.of(new Claim(item, "claim", "nb", content, stored.getOrDefault(item.id(), Map.of())));
        }

        @Override
        boolean renew(Claim claim, OffsetDateTime now) {
            return renewals-- > 0;
        }

        @Override
        boolean finish(Claim claim, List<Passage> passages) {
            finished.put(claim.item().id(), passages);
            Map<String, Embedded> embeddings = new HashMap<>();
            passages.forEach(p -> embeddings.put(p.textHash(), new Embedded(p.embedding(), p.windowEmbeddings())));
            stored.put(claim.item().id(), embeddings);
            return true;
        }

        @Override
        void fail(Claim claim) {
            failed.add(claim.item().id());
        }
    }

    /** A model whose vector for a text is derived from its hash code, and that remembers what it embedded. */
    static final class Model extends Embedder {
        final List<String> embedded = new ArrayList<>();
        boolean failing;

        @Override
        public List<List<float[]>> passages(List<String> texts) {
            if (failing) {
                throw new IllegalStateException("the model could not run");
            }
            embedded.addAll(texts);
            return texts.stream().map(text -> List.of(vector(text))).toList();
        }

        float[] vector(String text) {
            float[] vector = new float[MiniLm.DIMENSIONS];
            vector[Math.floorMod(text.hashCode(), MiniLm.DIMENSIONS)] = 1;
            return vector;
        }
    }
}
