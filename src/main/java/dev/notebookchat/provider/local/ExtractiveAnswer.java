package dev.notebookchat.provider.local;

import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Answers a question by quoting the notebook: the sentences of its documents that rank highest under
 * BM25, each with the title of the document it comes from. Nothing is invented, so when no sentence
 * shares a word with the question the answer says so instead of guessing.
 */
final class ExtractiveAnswer {

    static final String EMPTY_CONTEXT = "The context is empty: this notebook has no sources or notes "
            + "selected. Add a source or a note, or select one for the context.";

    static final String NOTHING_RELEVANT = "I could not find anything about that in this notebook's "
            + "sources or notes. Add a source that covers it, or include more of the notebook in the context.";

    static final String LEAD = "Here is what I found in this notebook:";

    /** Enough to cover a question from a few sides; more turns the answer into a search result page. */
    static final int MAX_QUOTES = 3;

    /**
     * A sentence must reach this share of the best score to be quoted: the runner-ups that only share
     * one common word with the question are noise next to a sentence that matches it well.
     */
    static final double MIN_SHARE_OF_BEST = 0.3;

    /** A "sentence" of a table or a list without full stops can run on; the quote stops at a word near here. */
    static final int MAX_QUOTE_LENGTH = 300;

    private ExtractiveAnswer() {
    }

    /**
     * A sentence of the notebook, the title it is cited with, the terms it is ranked by and the index of
     * the document it comes from.
     */
    record Sentence(String title, String text, List<String> terms, int document) {
    }

    /** The answer's Markdown and the documents (by index) its quotes come from, best quote first. */
    record Answer(String text, List<Integer> documents) {
    }

    /** A sentence that matched, with the score that chose it. */
    record Quote(Sentence sentence, double score) {
    }

    /** The answer to {@code question} from {@code documents}, as Markdown. */
    static String of(String question, List<ContextDocument> documents) {
        return answer(question, documents).text();
    }

    /** The answer to {@code question} from {@code documents}, with where its quotes come from. */
    static Answer answer(String question, List<ContextDocument> documents) {
        if (documents.stream().allMatch(document -> document.text() == null || document.text().isBlank())) {
            return new Answer(EMPTY_CONTEXT, List.of());
        }
        var quotes = quotes(question, sentencesOf(documents));
        if (quotes.isEmpty()) {
            return new Answer(NOTHING_RELEVANT, List.of());
        }
        var answer = new StringBuilder(LEAD).append('\n');
        var sources = new ArrayList<Integer>();
        for (var quote : quotes) {
            answer.append("\n- \"").append(shortened(quote.sentence().text())).append("\" (")
                    .append(quote.sentence().title()).append(')');
            if (!sources.contains(quote.sentence().document())) {
                sources.add(quote.sentence().document());
            }
        }
        return new Answer(answer.toString(), List.copyOf(sources));
    }

    /**
     * The best few sentences for {@code question}, best first. Ties keep notebook order (document,
     * then sentence), so the same notebook always gives the same answer. A sentence quoted once is not
     * quoted again when a second document repeats it word for word.
     */
    static List<Quote> quotes(String question, List<Sentence> sentences) {
        var queryTerms = new LinkedHashSet<>(Terms.of(question));
        var bm25 = new Bm25(sentences.stream().map(Sentence::terms).toList());
        var ranked = new ArrayList<Quote>();
        for (int i = 0; i < sentences.size(); i++) {
            double score = bm25.score(i, queryTerms);
            if (score > 0) {
                ranked.add(new Quote(sentences.get(i), score));
            }
        }
        // A stable sort on the score alone keeps notebook order among equals.
        ranked.sort(Comparator.comparingDouble(Quote::score).reversed());
        var chosen = new ArrayList<Quote>();
        var seen = new HashSet<String>();
        for (var quote : ranked) {
            if (chosen.size() == MAX_QUOTES || quote.score() < MIN_SHARE_OF_BEST * ranked.get(0).score()) {
                break;
            }
            if (seen.add(quote.sentence().text())) {
                chosen.add(quote);
            }
        }
        return chosen;
    }

    /** Every sentence with at least one term, in notebook order. */
    static List<Sentence> sentencesOf(List<ContextDocument> documents) {
        var sentences = new ArrayList<Sentence>();
        for (int index = 0; index < documents.size(); index++) {
            var document = documents.get(index);
            if (document.text() == null) {
                continue;
            }
            var title = document.title() == null || document.title().isBlank()
                    ? "Untitled" : document.title().strip().replaceAll("(?U)\\s+", " ");
            for (var text : Sentences.of(document.text())) {
                var terms = Terms.of(text);
                if (!terms.isEmpty()) {
                    sentences.add(new Sentence(title, text, terms, index));
                }
            }
        }
        return sentences;
    }

    private static String shortened(String sentence) {
        if (sentence.length() <= MAX_QUOTE_LENGTH) {
            return sentence;
        }
        int cut = sentence.lastIndexOf(' ', MAX_QUOTE_LENGTH);
        if (cut <= 0) {
            cut = Character.isHighSurrogate(sentence.charAt(MAX_QUOTE_LENGTH - 1)) ? MAX_QUOTE_LENGTH - 1 : MAX_QUOTE_LENGTH;
        }
        return sentence.substring(0, cut).stripTrailing() + " \u2026";
    }
}
