package dev.notebookchat.provider.local;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Okapi BM25 over a fixed list of passages (here: the sentences of a notebook), each given as its
 * terms. A passage scores for every distinct query term it contains, weighted by how rare the term is
 * across all passages, with diminishing returns for repeats and a discount for long passages.
 */
final class Bm25 {

    /** How quickly repeats of a term stop adding to the score. */
    static final double K1 = 1.2;

    /** How strongly a long passage is discounted against the average length. */
    static final double B = 0.75;

    private final List<Map<String, Integer>> termCounts;
    private final int[] lengths;
    private final Map<String, Integer> passagesWithTerm = new HashMap<>();
    private final double averageLength;

    Bm25(List<List<String>> passages) {
        termCounts = passages.stream().map(Bm25::count).toList();
        lengths = passages.stream().mapToInt(List::size).toArray();
        for (var counts : termCounts) {
            counts.keySet().forEach(term -> passagesWithTerm.merge(term, 1, Integer::sum));
        }
        averageLength = passages.isEmpty() ? 0 : (double) sumOf(lengths) / passages.size();
    }

    int size() {
        return lengths.length;
    }

    /**
     * The score of passage {@code index} for {@code queryTerms}, 0 when it shares none. Pass distinct
     * terms: a word repeated in the question should not count twice. Summed in the order given so that
     * equal input gives an equal score to the last bit.
     */
    double score(int index, Collection<String> queryTerms) {
        var counts = termCounts.get(index);
        double lengthNorm = 1 - B + B * lengths[index] / averageLength;
        double score = 0;
        for (var term : queryTerms) {
            int tf = counts.getOrDefault(term, 0);
            if (tf > 0) {
                score += idf(term) * tf * (K1 + 1) / (tf + K1 * lengthNorm);
            }
        }
        return score;
    }

    /**
     * Inverse passage frequency in the Lucene form ln(1 + (N - n + 0.5) / (n + 0.5)), which stays
     * positive even for a term found in most passages; the classic form turns negative there and would
     * rank a sentence below one that shares nothing with the question. {@link StrictMath} keeps the
     * ranking identical on every platform.
     */
    double idf(String term) {
        int n = passagesWithTerm.getOrDefault(term, 0);
        return StrictMath.log(1 + (size() - n + 0.5) / (n + 0.5));
    }

    private static Map<String, Integer> count(List<String> terms) {
        var counts = new HashMap<String, Integer>();
        terms.forEach(term -> counts.merge(term, 1, Integer::sum));
        return counts;
    }

    private static long sumOf(int[] values) {
        long sum = 0;
        for (int value : values) {
            sum += value;
        }
        return sum;
    }
}
