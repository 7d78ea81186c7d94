package dev.notebookchat.retrieval.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Texts ranked by the words they share with a query, by Okapi BM25: a word counts more the fewer of the
 * texts hold it, a text's repeats of it count less and less, and a long text's matches weigh less than a
 * short one's. Words are runs of letters and digits, compared in lower case after a plural's ending is
 * cut; common function words and single characters are not words here. Pure and thread-safe; ranking a
 * few hundred passages against an answer takes well under a millisecond.
 */
public final class SharedWords {

    /** BM25's usual constants: how fast repeats stop counting, and how much length weighs. */
    static final double K1 = 1.2;
    static final double B = 0.75;

    /** Words that say nothing about a text's subject. */
    static final Set<String> COMMON = Set.of(
            "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but",
            "by", "can", "could", "did", "do", "doe", "does", "for", "from", "had", "has", "have", "he", "her",
            "his", "how", "if", "in", "into", "is", "it", "its", "may", "me", "more", "most", "my", "no", "not", "of", "on",
            "one", "or", "other", "our", "out", "over", "she", "should", "so", "some", "such", "than", "that", "the",
            "their", "them", "then", "there", "these", "they", "thi", "this", "those", "to", "up", "us", "very",
            "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would",
            "you", "your");

    /**
     * A text's place among those ranked, its score (higher is better, comparable within one ranking only)
     * and how many distinct words of the query it holds.
     */
    public record Ranked(int index, double score, int shared) {
    }

    private SharedWords() {
    }

    /**
     * The {@code limit} texts that share at least {@code minShared} distinct words with {@code query}, best
     * first; equal scores keep the texts' order.
     */
    public static List<Ranked> rank(String query, List<String> texts, int limit, int minShared) {
        Set<String> wanted = new HashSet<>(words(query));
        if (wanted.isEmpty() || texts.isEmpty() || limit <= 0) {
            return List.of();
        }
        List<Map<String, Integer>> counts = new ArrayList<>(texts.size());
        Map<String, Integer> holding = new HashMap<>();
        long totalLength = 0;
        int[] lengths = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            List<String> words = words(texts.get(i));
            lengths[i] = words.size();
            totalLength += words.size();
            Map<String, Integer> count = new HashMap<>();
            for (String word : words) {
                if (wanted.contains(word)) {
                    count.merge(word, 1, Integer::sum);
                }
            }
            for (String word : count.keySet()) {
                holding.merge(word, 1, Integer::sum);
            }
            counts.add(count);
        }
        double averageLength = Math.max(1.0, (double) totalLength / texts.size());
        List<Ranked> ranked = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Map<String, Integer> count = counts.get(i);
            if (count.size() < Math.max(1, minShared)) {
                continue;
            }
            double score = 0;
            for (Map.Entry<String, Integer> word : count.entrySet()) {
                int n = holding.get(word.getKey());
                double rarity = Math.log(1 + (texts.size() - n + 0.5) / (n + 0.5));
                double repeats = word.getValue();
                score += rarity * repeats * (K1 + 1) / (repeats + K1 * (1 - B + B * lengths[i] / averageLength));
            }
            ranked.add(new Ranked(i, score, count.size()));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::score).reversed().thenComparingInt(Ranked::index));
        return List.copyOf(ranked.subList(0, Math.min(limit, ranked.size())));
    }

    /** The words of {@code text} in order, as they are compared. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); ) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            boolean inWord = Character.isLetterOrDigit(c);
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                String word = stem(text.substring(start, i).toLowerCase(Locale.ROOT));
                if (word.length() > 1 && !COMMON.contains(word)) {
                    words.add(word);
                }
                start = -1;
            }
            i += i < text.length() ? Character.charCount(c) : 1;
        }
        return words;
    }

    /** A plural's ending cut: "cherries" and "cherry", "seconds" and "second" are one word. */
    static String stem(String word) {
        if (word.length() > 4 && word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }
}
