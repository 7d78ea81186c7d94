package dev.notebookchat.provider.local;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bm25Test {

    private static final double EXACT = 1e-12;

    @Test
    void idfFollowsTheLuceneFormula() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta"), List.of("alpha", "gamma"), List.of("alpha", "delta")));

        // N = 3: ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) and ln(1 + (3 - 3 + 0.5) / (3 + 0.5))
        assertEquals(Math.log(1 + 2.5 / 1.5), bm25.idf("beta"), EXACT);
        assertEquals(Math.log(1 + 0.5 / 3.5), bm25.idf("alpha"), EXACT);
    }

    @Test
    void aTermInEveryPassageStillCountsForSomething() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta"), List.of("alpha", "gamma")));

        assertTrue(bm25.score(0, List.of("alpha")) > 0);
    }

    @Test
    void scoreSaturatesRepeatsAndDiscountsLength() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta"), List.of("alpha", "gamma", "gamma", "delta")));

        // tf = 2, |d| = 4, avgdl = 3, idf = ln(1 + 1.5 / 1.5) = ln 2
        double lengthNorm = 1 - 0.75 + 0.75 * 4 / 3.0;
        double expected = Math.log(2) * 2 * (1.2 + 1) / (2 + 1.2 * lengthNorm);
        assertEquals(expected, bm25.score(1, List.of("gamma")), EXACT);
    }

    @Test
    void theShorterPassageWinsForTheSameTerm() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta", "gamma", "delta"), List.of("alpha", "epsilon")));

        assertTrue(bm25.score(1, List.of("alpha")) > bm25.score(0, List.of("alpha")));
    }

    @Test
    void eachQueryTermAddsItsOwnWeight() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta"), List.of("gamma", "delta")));

        assertEquals(bm25.score(0, List.of("alpha")) + bm25.score(0, List.of("beta")),
                bm25.score(0, List.of("alpha", "beta")), EXACT);
    }

    @Test
    void aPassageSharingNoTermScoresZero() {
        var bm25 = new Bm25(List.of(List.of("alpha", "beta"), List.of("gamma")));

        assertEquals(0.0, bm25.score(1, List.of("alpha", "beta")));
        assertEquals(0.0, bm25.score(0, List.of()));
    }
}
