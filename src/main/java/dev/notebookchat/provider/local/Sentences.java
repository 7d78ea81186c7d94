package dev.notebookchat.provider.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a source or note into the sentences the local model can quote.
 *
 * <p>Written by hand rather than with {@link java.text.BreakIterator}: that one ends a sentence after
 * "Dr." and its rules change between JDK versions, and a quote must come out the same everywhere.
 */
final class Sentences {

    /** Marks that end a sentence only when whitespace follows, so "3.5" and "example.com" stay whole. */
    private static final String SPACED_ENDS = ".!?\u2026\u203C\u2047\u2048\u2049\u061F\u0964\u0965";

    /** Full-width marks of languages written without spaces: they end a sentence on their own. */
    private static final String UNSPACED_ENDS = "\u3002\uFF01\uFF1F\uFF61";

    /** Quotes and brackets that close a sentence after its mark and belong to it. */
    private static final String CLOSERS = "\"')]}\u2019\u201D\u00BB\u300D\u300F\uFF09";

    /** Words whose trailing dot does not end a sentence even before a capital, as in "Dr. Smith". */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "approx", "cf", "dept", "dr", "e.g", "eq", "fig", "i.e", "inc", "jr", "ltd", "mr", "mrs",
            "ms", "prof", "sr", "st", "vol", "vs");

    /** Markdown list and heading markers: a note's bullet is a sentence, the marker is not part of it. */
    private static final Pattern LINE_MARKER = Pattern.compile("^(?:#{1,6}|>|[-*+\u2022]|\\d{1,3}[.)])\\s+");

    private Sentences() {
    }

    /** The sentences of {@code text} in order, trimmed, with runs of whitespace made one space, none empty. */
    static List<String> of(String text) {
        var sentences = new ArrayList<String>();
        for (var block : blocks(text)) {
            split(block, sentences);
        }
        return sentences;
    }

    /**
     * Joins lines into blocks that no sentence crosses. A blank line, a list item or a heading starts
     * a new block. Any other line break also ends the sentence (titles and short note lines carry no
     * full stop) unless the text is plainly wrapped: the previous line ends mid-clause or the next one
     * starts in lower case.
     */
    private static List<String> blocks(String text) {
        var blocks = new ArrayList<String>();
        var block = new StringBuilder();
        for (var rawLine : text.split("\\R")) {
            var line = rawLine.strip();
            var marker = LINE_MARKER.matcher(line);
            boolean marked = marker.find();
            if (marked) {
                line = line.substring(marker.end());
            }
            if (block.length() > 0 && (line.isEmpty() || marked || !continues(block, line))) {
                blocks.add(block.toString());
                block.setLength(0);
            }
            if (!line.isEmpty()) {
                if (block.length() > 0) {
                    block.append(' ');
                }
                block.append(line);
            }
        }
        if (block.length() > 0) {
            blocks.add(block.toString());
        }
        return blocks;
    }

    private static boolean continues(CharSequence block, String nextLine) {
        char last = block.charAt(block.length() - 1);
        return ",;-\u2013\u2014(".indexOf(last) >= 0 || Character.isLowerCase(nextLine.codePointAt(0));
    }

    private static void split(String block, List<String> sentences) {
        int start = 0;
        int i = 0;
        while (i < block.length()) {
            char c = block.charAt(i);
            boolean spaced = SPACED_ENDS.indexOf(c) >= 0;
            if (!spaced && UNSPACED_ENDS.indexOf(c) < 0) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < block.length() && (SPACED_ENDS.indexOf(block.charAt(end)) >= 0
                    || UNSPACED_ENDS.indexOf(block.charAt(end)) >= 0 || CLOSERS.indexOf(block.charAt(end)) >= 0)) {
                end++;
            }
            if (!spaced || endsSentence(block, i, end)) {
                add(block.substring(start, end), sentences);
                start = end;
            }
            i = end;
        }
        add(block.substring(start), sentences);
    }

    /** Whether the mark at {@code mark}, with its run of marks and closers up to {@code end}, ends a sentence. */
    private static boolean endsSentence(String block, int mark, int end) {
        if (end == block.length()) {
            return true;
        }
        if (!Character.isWhitespace(block.charAt(end))) {
            return false;
        }
        int next = end;
        while (next < block.length() && Character.isWhitespace(block.charAt(next))) {
            next++;
        }
        if (next == block.length()) {
            return true;
        }
        // "e.g. the", "approx. five": a sentence never starts in lower case.
        if (Character.isLowerCase(block.codePointAt(next))) {
            return false;
        }
        return block.charAt(mark) != '.' || end != mark + 1 || !isAbbreviation(wordBefore(block, mark));
    }

    private static String wordBefore(String block, int dot) {
        int start = dot;
        while (start > 0 && !Character.isWhitespace(block.charAt(start - 1))
                && CLOSERS.indexOf(block.charAt(start - 1)) < 0 && block.charAt(start - 1) != '(') {
            start--;
        }
        return block.substring(start, dot);
    }

    /** Known abbreviations, initials as in "J. R. R. Tolkien", and dotted ones as in "U.S.". */
    private static boolean isAbbreviation(String word) {
        if (word.isEmpty()) {
            return false;
        }
        if (word.codePointCount(0, word.length()) == 1) {
            return Character.isUpperCase(word.codePointAt(0));
        }
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT)) || word.matches("(?:\\p{L}\\.)+\\p{L}");
    }

    private static void add(String sentence, List<String> sentences) {
        // Tabs and runs of spaces from pasted text would show in the quote.
        var trimmed = sentence.strip().replaceAll("(?U)\\s+", " ");
        if (!trimmed.isEmpty()) {
            sentences.add(trimmed);
        }
    }
}
