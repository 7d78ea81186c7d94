package dev.notebookchat.retrieval.control;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Okapi BM25 over a notebook's passages: a passage scores for every distinct word of the question it
 * contains, weighted by how rare that word is among the passages, with diminishing returns for repeats
 * and a discount for long passages. It finds what the embedding model misses when a question names
 * the exact thing (a number, a name, a rare term) rather than describing it. Immutable.
 *
 * <p>Words are runs of letters and digits, lower-cased, with an apostrophe inside a word dropped and a
 * point or comma between digits kept ({@code 2.5}, {@code 92,830,000}); common English function words
 * are left out and plurals reduced, as in the local model's own ranking.
 */
public final class Bm25Passages {

    /** How quickly repeats of a term stop adding to the score. */
    static final double K1 = 1.2;

    /** How strongly a long passage is discounted against the average length. */
    static final double B = 0.75;

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at",
            "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "dont",
            "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into",
            "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "should", "so",
            "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
            "to", "too", "us", "very", "was", "we", "were", "what", "when", "where", "which", "who",
            "whom", "whose", "why", "will", "with", "would", "you", "your");

    private final List<Map<String, Integer>> termCounts;
    private final int[] lengths;
    private final Map<String, Integer> passagesWithTerm = new HashMap<>();
    private final double averageLength;

    public Bm25Passages(List<String> passages) {
        termCounts = new ArrayList<>(passages.size());
        lengths = new int[passages.size()];
        long total = 0;
        for (int i = 0; i < passages.size(); i++) {
            List<String> terms = terms(passages.get(i));
            Map<String, Integer> counts = new HashMap<>();
            terms.forEach(term -> counts.merge(term, 1, Integer::sum));
            counts.keySet().forEach(term -> passagesWithTerm.merge(term, 1, Integer::sum));
            termCounts.add(counts);
            lengths[i] = terms.size();
            total += terms.size();
        }
        averageLength = passages.isEmpty() ? 0 : (double) total / passages.size();
    }

    public int size() {
        return lengths.length;
    }

    /**
     * The passages sharing at least one term with {@code question}, at most {@code k}, best first; equal
     * scores keep passage order, so the same data always gives the same answer.
     */
    public int[] top(String question, int k) {
        List<String> query = distinctTerms(question);
        double[] scores = new double[size()];
        List<Integer> matching = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            scores[i] = score(i, query);
            if (scores[i] > 0) {
                matching.add(i);
            }
        }
        matching.sort((a, b) -> scores[a] != scores[b] ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        return matching.stream().limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    /** The score of passage {@code index} for {@code question}, 0 when they share no term. */
    public double score(int index, String question) {
        return score(index, distinctTerms(question));
    }

    /**
     * Summed in the order the terms first occur in the question, so that equal input gives an equal
     * score to the last bit; a word repeated in the question counts once.
     */
    private double score(int index, List<String> distinctTerms) {
        Map<String, Integer> counts = termCounts.get(index);
        double lengthNorm = 1 - B + B * lengths[index] / averageLength;
        double score = 0;
        for (String term : distinctTerms) {
            int tf = counts.getOrDefault(term, 0);
            if (tf > 0) {
                score += idf(term) * tf * (K1 + 1) / (tf + K1 * lengthNorm);
            }
        }
        return score;
    }

    /**
     * Inverse passage frequency in the Lucene form ln(1 + (N - n + 0.5) / (n + 0.5)), which stays
     * positive for a term found in most passages; {@link StrictMath} keeps rankings equal on every platform.
     */
    double idf(String term) {
        int n = passagesWithTerm.getOrDefault(term, 0);
        return StrictMath.log(1 + (size() - n + 0.5) / (n + 0.5));
    }

    private static List<String> distinctTerms(String text) {
        return List.copyOf(new LinkedHashSet<>(terms(text)));
    }

    /** The search terms of {@code text}: its words without stop words, plurals reduced. */
    static List<String> terms(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> terms = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            boolean next = i + 1 < normalized.length();
            if (Character.isLetterOrDigit(c)) {
                word.append(c);
            } else if ((c == '\'' || c == '\u2019') && word.length() > 0 && next
                    && Character.isLetterOrDigit(normalized.charAt(i + 1))) {
                // Dropped, not kept: "don't" and "dont" are the same word to someone typing a question.
                continue;
            } else if ((c == '.' || c == ',') && word.length() > 0 && next
                    && Character.isDigit(word.charAt(word.length() - 1)) && Character.isDigit(normalized.charAt(i + 1))) {
                word.append(c);
            } else {
                add(word, terms);
            }
        }
        add(word, terms);
        return terms;
    }

    private static void add(StringBuilder word, List<String> terms) {
        if (word.length() > 0) {
            String w = word.toString();
            if (!STOP_WORDS.contains(w)) {
                terms.add(singular(w));
            }
            word.setLength(0);
        }
    }

    /** Strips an English plural the S-stemmer's way (Harman, 1991): "planets" finds "planet". */
    static String singular(String word) {
        int n = word.length();
        if (n < 3 || word.charAt(n - 1) != 's') {
            return word;
        }
        char beforeS = word.charAt(n - 2);
        if (beforeS == 'u' || beforeS == 's') {
            return word;
        }
        if (word.endsWith("ies") && n > 3 && "ae".indexOf(word.charAt(n - 4)) < 0) {
            return word.substring(0, n - 3) + "y";
        }
        if (beforeS == 'e' && "aeio".indexOf(word.charAt(n - 3)) >= 0) {
            return word;
        }
        return word.substring(0, n - 1);
    }
}
