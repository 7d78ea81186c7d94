package dev.notebookchat.retrieval.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): each ranking gives a passage
 * 1 / (K + rank), rank counted from 1, and the passages are ordered by the sum. It needs no scores, so
 * a cosine and a BM25 score, which are on unrelated scales, can be combined without calibrating one
 * against the other; a passage near the top of either list rises, one near the top of both rises most.
 */
public final class HybridRanking {

    /** The damping constant of the original paper: the first few ranks matter, but not overwhelmingly. */
    public static final int K = 60;

    private HybridRanking() {
    }

    /**
     * The best {@code k} passages of the fused {@code rankings} (each best first), best first; equal sums
     * go to the passage seen first, walking the rankings in the order given, so the result is deterministic.
     */
    public static int[] fuse(int k, int[]... rankings) {
        Map<Integer, Double> sums = new HashMap<>();
        List<Integer> seen = new ArrayList<>();
        for (int[] ranking : rankings) {
            for (int rank = 0; rank < ranking.length; rank++) {
                int passage = ranking[rank];
                if (!sums.containsKey(passage)) {
                    seen.add(passage);
                }
                sums.merge(passage, 1.0 / (K + rank + 1), Double::sum);
            }
        }
        List<Integer> order = new ArrayList<>(seen);
        // A stable sort: ties keep the order in which the passages were first seen.
        order.sort((a, b) -> Double.compare(sums.get(b), sums.get(a)));
        return order.stream().limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    /** The fused score of {@code passage}: what {@link #fuse} orders by. */
    public static double score(int passage, int[]... rankings) {
        double sum = 0;
        for (int[] ranking : rankings) {
            for (int rank = 0; rank < ranking.length; rank++) {
                if (ranking[rank] == passage) {
                    sum += 1.0 / (K + rank + 1);
                }
            }
        }
        return sum;
    }
}
