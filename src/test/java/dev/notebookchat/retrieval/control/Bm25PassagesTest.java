package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Bm25PassagesTest {

    // Terms: [sun, star] · [star, sun, far, away, nearest, star, far] · [money, measure, value]; average length 4.
    private final Bm25Passages passages = new Bm25Passages(List.of(
            "The sun is a star.",
            "Stars are suns far away; the nearest star is very far.",
            "Money is a measure of value."));

    @Test
    void wordsAreLowerCasedWithoutStopWordsAndWithPluralsReduced() {
        assertEquals(List.of("star", "sun", "far", "away", "nearest", "star", "far"),
                Bm25Passages.terms("Stars are suns far away; the nearest star is very far."));
    }

    @Test
    void numbersKeepTheirSeparatorsAndAnApostropheJoinsAWord() {
        // "Don't" becomes the stop word "dont"; "Shouldn't" stays one word.
        assertEquals(List.of("92,830,000", "mile", "2.5", "earth", "shouldnt"),
                Bm25Passages.terms("92,830,000 miles, 2.5 Earths. Don't? Shouldn't!"));
    }

    @Test
    void rareTermsWeighMoreThanCommonOnes() {
        // ln(1 + (N - n + 0.5) / (n + 0.5)) with N = 3 passages.
        assertEquals(StrictMath.log(1 + 1.5 / 2.5), passages.idf("star"), 0);
        assertEquals(StrictMath.log(1 + 2.5 / 1.5), passages.idf("nearest"), 0);
        assertEquals(StrictMath.log(1 + 3.5 / 0.5), passages.idf("moon"), 0);
    }

    @Test
    void scoresFollowTheOkapiFormula() {
        double star = StrictMath.log(1.6);
        double nearest = StrictMath.log(1 + 2.5 / 1.5);
        // Passage 0: 2 terms, length norm 0.25 + 0.75 * 2 / 4 = 0.625; "star" once.
        assertEquals(star * 2.2 / (1 + 1.2 * 0.625), passages.score(0, "nearest star"), 1e-12);
        // Passage 1: 7 terms, length norm 0.25 + 0.75 * 7 / 4 = 1.5625; "nearest" once, "star" twice.
        assertEquals(nearest * 2.2 / (1 + 1.2 * 1.5625) + star * 2 * 2.2 / (2 + 1.2 * 1.5625),
                passages.score(1, "nearest star"), 1e-12);
        assertEquals(0, passages.score(2, "nearest star"), 0);
    }

    @Test
    void aWordRepeatedInTheQuestionCountsOnce() {
        assertEquals(passages.score(1, "nearest star"), passages.score(1, "nearest star star stars"), 0);
    }

    @Test
    void topListsOnlyPassagesSharingATermBestFirst() {
        assertArrayEquals(new int[]{1, 0}, passages.top("Which is the nearest star?", 5));
        assertArrayEquals(new int[]{1}, passages.top("Which is the nearest star?", 1));
        assertArrayEquals(new int[]{2}, passages.top("the value of money", 5));
        assertArrayEquals(new int[0], passages.top("the moon", 5));
        assertArrayEquals(new int[0], passages.top("what is it", 5), "stop words alone match nothing");
    }

    @Test
    void equalScoresKeepPassageOrder() {
        Bm25Passages twins = new Bm25Passages(List.of("red planet", "blue sky", "red planet"));
        assertArrayEquals(new int[]{0, 2}, twins.top("red planet", 5));
    }
}
