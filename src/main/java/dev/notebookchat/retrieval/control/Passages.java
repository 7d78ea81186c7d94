package dev.notebookchat.retrieval.control;

import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.retrieval.entity.Passage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A notebook's passages, searched by meaning: the ones most similar to a question among the items a
 * turn may use.
 *
 * <p>Each notebook's vectors are loaded once into memory and kept while its {@code passages_version} in
 * the database is the one they were loaded at: a search costs one small query to check that, the scan
 * of the vectors, and one query for the texts of the passages found. Every change of a notebook's
 * passages raises the version in the same transaction, so no server, this one or another sharing the
 * database, searches stale vectors. The cache holds at most {@code notebookchat.retrieval.cache-passages}
 * vectors (1.5 KB each), dropping the notebooks searched longest ago; a notebook bigger than that is
 * loaded for each search.
 */
@ApplicationScoped
public class Passages {

    /**
     * A passage found for a question. Exactly one of {@code sourceId} and {@code noteId} is set;
     * {@code number} counts the item's passages from 1; {@code text} is an exact substring of the item's
     * content; {@code score} says how well it matches: the cosine similarity to the question for
     * {@link #search}, the {@link SharedWords} score for {@link #sharingWords}.
     */
    public record Hit(String sourceId, String noteId, String title, int number, String text, float score) {
    }

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Inject
    PassageTable table;

    @Inject
    Embedder embedder;

    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.cache-passages", defaultValue = "50000")
    int cachePassages;

    /** How many of the passage vectors' best a search ranks again with their windows' vectors. */
    @Inject
    @ConfigProperty(name = "notebookchat.retrieval.candidates", defaultValue = "50")
    int candidates;

    /**
     * The ready passages of one notebook as of {@code version}: row {@code r} of {@code index} is passage
     * {@code ids[r]}, number {@code numbers[r]} of item {@code items[item[r]]}.
     */
    record Vectors(long version, String[] ids, int[] item, int[] numbers, List<ItemTitle> items, VectorIndex index) {
    }

    record ItemTitle(String sourceId, String noteId, String title) {
        String id() {
            return sourceId != null ? sourceId : noteId;
        }
    }

    /** Notebook id -> its vectors, the most recently searched last; guarded by itself. */
    private final LinkedHashMap<String, Vectors> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cached;

    /**
     * The {@code limit} passages of the notebook most similar to {@code question}, best first, among the
     * passages of the sources and notes whose ids are in {@code itemIds}. Items not indexed yet have none.
     */
    public List<Hit> search(String notebookId, String question, Collection<String> itemIds, int limit) {
        if (itemIds.isEmpty()) {
            return List.of();
        }
        return search(notebookId, question, itemIds::contains, limit);
    }

    /** As {@link #search(String, String, Collection, int)} among all the notebook's sources and notes. */
    public List<Hit> searchAll(String notebookId, String question, int limit) {
        return search(notebookId, question, id -> true, limit);
    }

    /**
     * The {@code limit} passages of the items {@code titles} names (item id to title, in the order ties
     * keep) that share the most words with {@code text}, each at least {@code minShared} distinct ones
     * ({@link SharedWords}): for an answer that had those items whole, where its words come from. No model
     * runs; one query reads the items' passages. Pass only items whose passages are ready: an item being
     * indexed again may still have the passages of its previous text.
     *
     * <p>In a transaction, though only a read: it runs when an answer ends, on the managed executor, and
     * EclipseLink retries a read outside a transaction that meets a lost connection on the same thread,
     * taking a second connection while it still holds the broken one. In a transaction the failure
     * comes back at once, and the answer cites nothing.
     */
    @Transactional
    public List<Hit> sharingWords(String notebookId, Map<String, String> titles, String text, int limit, int minShared) {
        if (titles.isEmpty() || limit <= 0) {
            return List.of();
        }
        Map<String, Integer> order = new HashMap<>();
        for (String id : titles.keySet()) {
            order.put(id, order.size());
        }
        List<Object[]> rows = new ArrayList<>(em.createNamedQuery(Passage.OF_ITEMS, Object[].class)
                .setParameter("notebook", notebookId).setParameter("items", List.copyOf(titles.keySet())).getResultList());
        rows.sort(Comparator.<Object[]>comparingInt(row -> order.get(row[0] != null ? (String) row[0] : (String) row[1]))
                .thenComparingInt(row -> ((Number) row[2]).intValue()));
        List<String> texts = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            texts.add(Sources.text(row[3]));
        }
        List<Hit> hits = new ArrayList<>();
        for (SharedWords.Ranked ranked : SharedWords.rank(text, texts, limit, minShared)) {
            Object[] row = rows.get(ranked.index());
            String sourceId = (String) row[0];
            String noteId = (String) row[1];
            hits.add(new Hit(sourceId, noteId, titles.get(sourceId != null ? sourceId : noteId), ((Number) row[2]).intValue(),
                    texts.get(ranked.index()), (float) ranked.score()));
        }
        return hits;
    }

    private List<Hit> search(String notebookId, String question, Predicate<String> allowedItem, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Optional<Long> version = table.version(notebookId);
        if (version.isEmpty()) {
            forget(notebookId);
            return List.of();
        }
        Vectors vectors = vectors(notebookId, version.get());
        boolean[] allowed = new boolean[vectors.items().size()];
        boolean any = false;
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = allowedItem.test(vectors.items().get(i).id());
            any |= allowed[i];
        }
        if (!any) {
            return List.of();
        }
        float[] query = embedder.question(question);
        // Two stages: the passage vectors (in memory) choose the candidates, their windows' vectors (read
        // with their texts, for these few only) rank them again; see PassageWindows.
        int[] candidateRows = vectors.index().top(query, Math.max(limit, candidates), row -> allowed[vectors.item()[row]]);
        Map<String, Found> found = found(candidateRows, vectors);
        int[] present = Arrays.stream(candidateRows).filter(row -> found.containsKey(vectors.ids()[row])).toArray();
        int[] rows = PassageWindows.rerank(query, present, vectors.index(), row -> found.get(vectors.ids()[row]).windows(), limit);
        List<Hit> hits = new ArrayList<>(rows.length);
        for (int row : rows) {
            Found passage = found.get(vectors.ids()[row]);
            ItemTitle item = vectors.items().get(vectors.item()[row]);
            hits.add(new Hit(item.sourceId(), item.noteId(), item.title(), vectors.numbers()[row], passage.text(),
                    PassageWindows.score(query, vectors.index().score(row, query), passage.windows())));
        }
        return hits;
    }

    /** A candidate's text and its windows' vectors. */
    private record Found(String text, VectorIndex windows) {
    }

    /**
     * The candidates still there, by passage id: one replaced since the vectors were loaded is missing,
     * and the next search sees the new version.
     */
    private Map<String, Found> found(int[] rows, Vectors vectors) {
        if (rows.length == 0) {
            return Map.of();
        }
        List<String> ids = new ArrayList<>(rows.length);
        for (int row : rows) {
            ids.add(vectors.ids()[row]);
        }
        Map<String, Found> found = new HashMap<>();
        for (Object[] row : em.createNamedQuery(Passage.TEXTS, Object[].class).setParameter("ids", ids).getResultList()) {
            found.put((String) row[0], new Found(Sources.text(row[1]), VectorIndex.of(MiniLm.DIMENSIONS, (byte[]) row[2])));
        }
        return found;
    }

    private Vectors vectors(String notebookId, long version) {
        synchronized (cache) {
            Vectors known = cache.get(notebookId);
            if (known != null && known.version() == version) {
                return known;
            }
        }
        // Loaded outside the lock: two searches of a stale notebook may both load it, no search waits for another notebook.
        Vectors loaded = load(version, notebookId);
        synchronized (cache) {
            Vectors replaced = cache.put(notebookId, loaded);
            cached += loaded.ids().length - (replaced == null ? 0 : replaced.ids().length);
            Iterator<Map.Entry<String, Vectors>> eldest = cache.entrySet().iterator();
            while (cached > cachePassages && eldest.hasNext()) {
                Map.Entry<String, Vectors> entry = eldest.next();
                cached -= entry.getValue().ids().length;
                eldest.remove();
            }
        }
        return loaded;
    }

    private void forget(String notebookId) {
        synchronized (cache) {
            Vectors removed = cache.remove(notebookId);
            if (removed != null) {
                cached -= removed.ids().length;
            }
        }
    }

    /**
     * The notebook's passages of items that are ready, read after {@code version} was, so they are at
     * least that new. In a fixed order (item creation, item, number), so ties rank the same every time.
     */
    private Vectors load(long version, String notebookId) {
        List<?> rows = em.createNativeQuery("SELECT p.id, p.source_id, p.note_id, p.number, p.embedding, COALESCE(s.title, n.title) "
                        + "FROM passage p LEFT JOIN source s ON s.id = p.source_id LEFT JOIN note n ON n.id = p.note_id "
                        + "WHERE p.notebook_id = ?1 AND (s.status = 'ready' OR n.status = 'ready') "
                        + "ORDER BY COALESCE(s.created, n.created), COALESCE(p.source_id, p.note_id), p.number")
                .setParameter(1, notebookId).getResultList();
        String[] ids = new String[rows.size()];
        int[] item = new int[rows.size()];
        int[] numbers = new int[rows.size()];
        List<float[]> embeddings = new ArrayList<>(rows.size());
        List<ItemTitle> items = new ArrayList<>();
        Map<String, Integer> itemRows = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = (Object[]) rows.get(r);
            ids[r] = (String) row[0];
            String sourceId = (String) row[1];
            String noteId = (String) row[2];
            String title = Sources.text(row[5]);
            item[r] = itemRows.computeIfAbsent(sourceId != null ? sourceId : noteId, id -> {
                items.add(new ItemTitle(sourceId, noteId, title));
                return items.size() - 1;
            });
            numbers[r] = ((Number) row[3]).intValue();
            embeddings.add(VectorIndex.vector((byte[]) row[4]));
        }
        return new Vectors(version, ids, item, numbers, List.copyOf(items), new VectorIndex(MiniLm.DIMENSIONS, embeddings));
    }
}
