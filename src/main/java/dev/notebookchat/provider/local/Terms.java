package dev.notebookchat.provider.local;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns text into the words and search terms the local model ranks with.
 *
 * <p>Words are runs of letters, digits and combining marks in any script; an apostrophe inside a
 * word joins rather than splits it, so {@code don't} and {@code notebook's} stay one word, and so does
 * a point between digits, as in {@code 2.5}. Han, Hiragana and Katakana are written without spaces,
 * so each of their characters is a word of its own, which is what lets a question in Japanese or
 * Chinese match anything at all.
 */
final class Terms {

    /**
     * Words that occur in almost every question and sentence. BM25 would give them a low weight
     * anyway, but left in they let "what is the ..." match any sentence containing "the".
     */
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at",
            "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "dont",
            "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into",
            "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "should", "so",
            "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
            "to", "too", "us", "very", "was", "we", "were", "what", "when", "where", "which", "who",
            "whom", "whose", "why", "will", "with", "would", "you", "your");

    private Terms() {
    }

    /** The words of {@code text}, lower-cased, stop words included: what a reader would count. */
    static List<String> words(String text) {
        var normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        int i = 0;
        while (i < normalized.length()) {
            int c = normalized.codePointAt(i);
            int width = Character.charCount(c);
            if (standsAlone(c)) {
                flush(word, words);
                words.add(Character.toString(c));
            } else if (isWordPart(c)) {
                word.appendCodePoint(c);
            } else if (joins(c, word, normalized, i + width)) {
                // Dropped, not kept: "don't" and "dont" are the same word to someone typing a question.
                if (!isApostrophe(c)) {
                    word.appendCodePoint(c);
                }
            } else {
                flush(word, words);
            }
            i += width;
        }
        flush(word, words);
        return words;
    }

    /** The search terms of {@code text}: its words without stop words, plurals reduced. */
    static List<String> of(String text) {
        var terms = new ArrayList<String>();
        for (var word : words(text)) {
            if (!STOP_WORDS.contains(word)) {
                terms.add(singular(word));
            }
        }
        return terms;
    }

    /**
     * Strips an English plural so that "sources" finds "source" and "queries" finds "query". Only
     * plurals: stripping "-ing" or "-ed" as well makes "stored" and "store" differ more often than it
     * makes them meet. The rules are the S-stemmer's (Harman, 1991), as in Lucene's
     * EnglishMinimalStemmer.
     */
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

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean isWordPart(int c) {
        if (Character.isLetterOrDigit(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /**
     * Whether {@code c} sits inside a word rather than between two: an apostrophe between letters, or
     * a decimal point or thousands separator between digits, so that "2.5" is not "2" and "5".
     */
    private static boolean joins(int c, CharSequence word, String text, int next) {
        if (word.length() == 0 || next >= text.length()) {
            return false;
        }
        int after = text.codePointAt(next);
        if (isApostrophe(c)) {
            return isWordPart(after);
        }
        return (c == '.' || c == ',') && Character.isDigit(word.charAt(word.length() - 1)) && Character.isDigit(after);
    }

    private static boolean isApostrophe(int c) {
        return c == '\'' || c == '\u2019';
    }

    private static boolean standsAlone(int c) {
        var script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }
}
