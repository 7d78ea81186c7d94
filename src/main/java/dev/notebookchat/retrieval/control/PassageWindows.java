package dev.notebookchat.retrieval.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Searching a passage by its parts: besides the whole passage, its sentences are embedded in windows of
 * about {@link #WINDOW} characters, and a passage scores as its best match. One vector for 800 characters
 * averages a fact into everything around it; a short window keeps it sharp, and the answer still quotes the
 * whole passage. Measured in RetrievalQualityTest, recall@5 on expository text: 0.857 for the passage
 * vectors alone, 0.929 with their windows; on stories 0.486 and 0.471. It costs about five vectors a
 * passage instead of one, which is why a search ranks by the passage vectors first and reads the windows
 * of the best few only ({@link #rerank}): the same figures as ranking every window, measured alike.
 */
public final class PassageWindows {

    /** About two sentences: the best, or equal best, of 160, 250, 300 and 400 in a trial on both labelled sets. */
    public static final int WINDOW = 250;

    private static final Chunker WINDOWS = new Chunker(WINDOW, 0);

    private PassageWindows() {
    }

    /**
     * The texts to embed for {@code passage}: the passage itself first, then its windows; a passage no
     * longer than one window is embedded once.
     */
    public static List<String> texts(String passage) {
        List<String> texts = new ArrayList<>();
        texts.add(passage);
        List<Chunker.Chunk> windows = WINDOWS.split(passage);
        if (windows.size() > 1) {
            windows.forEach(window -> texts.add(window.text()));
        }
        return texts;
    }

    /**
     * The second stage of a search: {@code candidates}, the best passages by their own vectors (best
     * first), scored again as the best of their own vector and their windows' ({@code windowsOf(row)}, an
     * index of that passage's window vectors, empty for a short passage); the best {@code limit}, best
     * first, equal scores in the first stage's order. Only the few candidates' windows are read, so the
     * windows need not be held in memory with the passage vectors.
     */
    public static int[] rerank(float[] query, int[] candidates, VectorIndex passages, IntFunction<VectorIndex> windowsOf,
                               int limit) {
        float[] scores = new float[candidates.length];
        Integer[] order = new Integer[candidates.length];
        for (int c = 0; c < candidates.length; c++) {
            float best = passages.score(candidates[c], query);
            VectorIndex windows = windowsOf.apply(candidates[c]);
            for (int w = 0; w < windows.size(); w++) {
                best = Math.max(best, windows.score(w, query));
            }
            scores[c] = best;
            order[c] = c;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -scores[c]));
        int[] rows = new int[Math.min(limit, candidates.length)];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = candidates[order[i]];
        }
        return rows;
    }

    /** The best score {@link #rerank} gives one passage. */
    public static float score(float[] query, float passageScore, VectorIndex windows) {
        float best = passageScore;
        for (int w = 0; w < windows.size(); w++) {
            best = Math.max(best, windows.score(w, query));
        }
        return best;
    }
}
