package dev.notebookchat.provider.local;

import dev.notebookchat.provider.spi.ProviderRequest.ContextDocument;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExtractiveAnswerTest {

    static final List<ContextDocument> NOTEBOOK = List.of(
            new ContextDocument("Open Liberty guide", "Open Liberty is a lightweight Java runtime. "
                    + "The server starts in about two seconds on a laptop. "
                    + "Features are enabled in server.xml, e.g. restfulWS-3.1 for REST."),
            new ContextDocument("SSE notes", "Server-Sent Events keep one HTTP connection open.\n"
                    + "The browser reconnects by itself when the connection drops!\n"
                    + "Each event ends with a blank line."),
            new ContextDocument("Meeting 12 May", "- Measure how fast the server starts\n"
                    + "- Ask Dr. Lee about connection limits?"));

    @Test
    void theSentenceSharingTheMostRareWordsComesFirst() {
        var quotes = ExtractiveAnswer.quotes("What happens when the connection drops?",
                ExtractiveAnswer.sentencesOf(NOTEBOOK));

        assertEquals(List.of("The browser reconnects by itself when the connection drops!",
                        "Ask Dr. Lee about connection limits?"),
                quotes.stream().map(quote -> quote.sentence().text()).toList());
    }

    @Test
    void eachQuoteIsCitedWithTheTitleOfItsDocument() {
        assertEquals("""
                        Here is what I found in this notebook:

                        - "The browser reconnects by itself when the connection drops!" (SSE notes)
                        - "Ask Dr. Lee about connection limits?" (Meeting 12 May)""",
                ExtractiveAnswer.of("What happens when the connection drops?", NOTEBOOK));
    }

    @Test
    void sentencesFarBelowTheBestAreLeftOut() {
        // "server" alone also matches two more sentences, but they share nothing else with the question.
        var quotes = ExtractiveAnswer.quotes("How many seconds does the server need to start?",
                ExtractiveAnswer.sentencesOf(NOTEBOOK));

        assertEquals(List.of("The server starts in about two seconds on a laptop.", "Measure how fast the server starts"),
                quotes.stream().map(quote -> quote.sentence().text()).toList());
    }

    @Test
    void equalScoresKeepNotebookOrder() {
        var cats = new ContextDocument("Cats", "Cats purr loudly.");
        var kittens = new ContextDocument("Kittens", "Cats purr softly.");

        assertEquals(List.of("Cats", "Kittens"), titlesQuoted("Do cats purr?", List.of(cats, kittens)));
        assertEquals(List.of("Kittens", "Cats"), titlesQuoted("Do cats purr?", List.of(kittens, cats)));
    }

    @Test
    void aSentenceRepeatedInAnotherDocumentIsQuotedOnce() {
        var source = new ContextDocument("Source", "Backups run nightly at two.");
        var note = new ContextDocument("Note", "Backups run nightly at two.");

        assertEquals(List.of("Source"), titlesQuoted("When do backups run?", List.of(source, note)));
    }

    @Test
    void noMoreThanThreeSentencesAreQuoted() {
        var document = new ContextDocument("Backups", "Backups run nightly. Backups are encrypted. "
                + "Backups are kept a month. Backups go offsite.");

        assertEquals(3, ExtractiveAnswer.quotes("backups", ExtractiveAnswer.sentencesOf(List.of(document))).size());
    }

    @Test
    void aDocumentWithoutTitleIsCitedAsUntitled() {
        assertEquals("""
                        Here is what I found in this notebook:

                        - "Backups run nightly." (Untitled)""",
                ExtractiveAnswer.of("backups", List.of(new ContextDocument(" ", "Backups run nightly."))));
    }

    @Test
    void aRunOnSentenceIsCutAtAWord() {
        var text = "Backups " + "and more words ".repeat(30);
        var answer = ExtractiveAnswer.of("backups", List.of(new ContextDocument("Long", text)));

        var quote = answer.substring(answer.indexOf('"') + 1, answer.lastIndexOf('"'));
        // 7 + 19 * 15 + 4 = 296 characters; the next word would pass 300.
        assertEquals("Backups" + " and more words".repeat(19) + " and \u2026", quote);
    }

    @Test
    void aQuestionSharingNoWordWithTheNotebookGetsTheNothingRelevantAnswer() {
        assertEquals(ExtractiveAnswer.NOTHING_RELEVANT, ExtractiveAnswer.of("Who won the football match?", NOTEBOOK));
        assertEquals(ExtractiveAnswer.NOTHING_RELEVANT, ExtractiveAnswer.of("What is it?", NOTEBOOK));
    }

    @Test
    void documentsWithoutTextAreAnEmptyContext() {
        assertEquals(ExtractiveAnswer.EMPTY_CONTEXT, ExtractiveAnswer.of("backups", List.of()));
        assertEquals(ExtractiveAnswer.EMPTY_CONTEXT,
                ExtractiveAnswer.of("backups", List.of(new ContextDocument("Blank", " \n "))));
    }

    private static List<String> titlesQuoted(String question, List<ContextDocument> documents) {
        return ExtractiveAnswer.quotes(question, ExtractiveAnswer.sentencesOf(documents)).stream()
                .map(quote -> quote.sentence().title()).toList();
    }

    @Test
    void anAnswerNamesTheDocumentsOfItsQuotesOnceEachBestFirst() {
        var answer = ExtractiveAnswer.answer("When does the server start, and what about the connection?", NOTEBOOK);

        assertEquals(ExtractiveAnswer.of("When does the server start, and what about the connection?", NOTEBOOK), answer.text());
        assertEquals("""
                Here is what I found in this notebook:

                - "Measure how fast the server starts" (Meeting 12 May)
                - "The server starts in about two seconds on a laptop." (Open Liberty guide)
                - "Server-Sent Events keep one HTTP connection open." (SSE notes)""", answer.text());
        assertEquals(List.of(2, 0, 1), answer.documents());
        assertEquals(List.of(0), ExtractiveAnswer.answer("How many seconds does the server need to start on a laptop?",
                List.of(NOTEBOOK.get(0), NOTEBOOK.get(0))).documents(), "a sentence both repeat is quoted from the first once");
    }
}
