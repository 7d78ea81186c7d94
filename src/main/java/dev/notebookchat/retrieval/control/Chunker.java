package dev.notebookchat.retrieval.control;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a text into passages of about {@code size} characters that end at a sentence where they can,
 * each starting with up to {@code overlap} characters of whole sentences from the end of the one
 * before, so a fact that straddles a boundary is whole in one of them. A passage is an exact substring
 * of the text ({@code text.substring(start, end)}): a page can find and highlight it in its source.
 *
 * <p>The cut points depend only on the text before them, so an edit near the end of a long text leaves
 * the passages before it unchanged, and they are not embedded again.
 */
public final class Chunker {

    /** One passage: its number in the text (from 1), where it starts and ends, and its text. */
    public record Chunk(int number, int start, int end, String text) {
    }

    private final int size;
    private final int overlap;

    public Chunker(int size, int overlap) {
        if (size < 50) {
            throw new IllegalArgumentException("A passage must be allowed at least 50 characters, not " + size);
        }
        if (overlap < 0 || overlap > size / 2) {
            throw new IllegalArgumentException("The overlap must be between 0 and half the passage size, not " + overlap);
        }
        this.size = size;
        this.overlap = overlap;
    }

    public int size() {
        return size;
    }

    public int overlap() {
        return overlap;
    }

    /** The passages of {@code text}, in order; none for a text that is only whitespace. */
    public List<Chunk> split(String text) {
        List<int[]> sentences = sentences(text);
        List<Chunk> chunks = new ArrayList<>();
        int i = 0;
        while (i < sentences.size()) {
            int start = sentences.get(i)[0];
            int j = i;
            // Whole sentences while they fit; always at least one (a long one is cut at a word below).
            while (j + 1 < sentences.size() && sentences.get(j + 1)[1] - start <= size) {
                j++;
            }
            int end = sentences.get(j)[1];
            if (end - start > size) {
                int cut = wordCut(text, start, start + size);
                chunks.add(chunk(chunks.size() + 1, text, start, cut));
                // The rest of the long sentence becomes a sentence of its own, after a little overlap.
                int resume = overlapStartWithin(text, start, cut);
                sentences.set(i, new int[] {resume, sentences.get(i)[1]});
                continue;
            }
            chunks.add(chunk(chunks.size() + 1, text, start, end));
            if (j + 1 >= sentences.size()) {
                break;
            }
            // The next passage starts with the last sentences of this one that fit in the overlap.
            int next = j + 1;
            while (next - 1 > i && end - sentences.get(next - 1)[0] <= overlap) {
                next--;
            }
            // ...but only as many as leave room for the next new sentence: a passage of overlap alone says nothing new.
            while (next <= j && sentences.get(j + 1)[1] - sentences.get(next)[0] > size) {
                next++;
            }
            i = next;
        }
        return chunks;
    }

    private static Chunk chunk(int number, String text, int start, int end) {
        return new Chunk(number, start, end, text.substring(start, end));
    }

    /** Sentences as [start, end) without surrounding whitespace; a text of whitespace has none. */
    private static List<int[]> sentences(String text) {
        List<int[]> sentences = new ArrayList<>();
        BreakIterator breaks = BreakIterator.getSentenceInstance(Locale.ROOT);
        breaks.setText(text);
        int from = breaks.first();
        for (int to = breaks.next(); to != BreakIterator.DONE; from = to, to = breaks.next()) {
            int s = from;
            int e = to;
            while (s < e && Character.isWhitespace(text.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            if (s < e) {
                sentences.add(new int[] {s, e});
            }
        }
        return sentences;
    }

    /** The last word boundary after {@code start} and at most {@code limit}; {@code limit} itself in a text without spaces. */
    private static int wordCut(String text, int start, int limit) {
        int cut = limit;
        while (cut > start + 1 && !Character.isWhitespace(text.charAt(cut))) {
            cut--;
        }
        if (cut <= start + 1) {
            cut = limit;
            if (Character.isLowSurrogate(text.charAt(cut))) {
                cut--;
            }
            return cut;
        }
        while (cut > start + 1 && Character.isWhitespace(text.charAt(cut - 1))) {
            cut--;
        }
        return cut;
    }

    /** Where the rest of a cut sentence resumes: a few words before the cut, at most {@code overlap} back. */
    private int overlapStartWithin(String text, int start, int cut) {
        int resume = cut;
        int earliest = Math.max(start + 1, cut - overlap);
        for (int k = cut - 1; k >= earliest; k--) {
            if (Character.isWhitespace(text.charAt(k))) {
                resume = k + 1;
            }
        }
        while (resume < text.length() && Character.isWhitespace(text.charAt(resume))) {
            resume++;
        }
        return resume;
    }
}
