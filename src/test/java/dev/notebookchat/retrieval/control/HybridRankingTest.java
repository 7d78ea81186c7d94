package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HybridRankingTest {

    private static final int[] VECTOR = {3, 1, 2};
    private static final int[] WORDS = {1, 4, 3};

    @Test
    void eachRankingGivesOneOverSixtyPlusRank() {
        assertEquals(1.0 / 61 + 1.0 / 63, HybridRanking.score(3, VECTOR, WORDS), 0);
        assertEquals(1.0 / 62 + 1.0 / 61, HybridRanking.score(1, VECTOR, WORDS), 0);
        assertEquals(1.0 / 63, HybridRanking.score(2, VECTOR, WORDS), 0);
        assertEquals(1.0 / 62, HybridRanking.score(4, VECTOR, WORDS), 0);
        assertEquals(0, HybridRanking.score(9, VECTOR, WORDS), 0);
    }

    @Test
    void aPassageHighInBothListsBeatsOneFirstInOnlyOne() {
        // 1: 0.032522..., 3: 0.032266..., 4: 0.016129..., 2: 0.015873...
        assertArrayEquals(new int[]{1, 3, 4, 2}, HybridRanking.fuse(10, VECTOR, WORDS));
        assertArrayEquals(new int[]{1, 3}, HybridRanking.fuse(2, VECTOR, WORDS));
    }

    @Test
    void equalSumsGoToThePassageSeenFirst() {
        assertArrayEquals(new int[]{7, 8}, HybridRanking.fuse(5, new int[]{7, 8}, new int[]{8, 7}));
        assertArrayEquals(new int[]{8, 7}, HybridRanking.fuse(5, new int[]{8, 7}, new int[]{7, 8}));
    }

    @Test
    void anEmptyRankingLeavesTheOtherAsItWas() {
        assertArrayEquals(new int[]{3, 1, 2}, HybridRanking.fuse(5, VECTOR, new int[0]));
        assertArrayEquals(new int[0], HybridRanking.fuse(0, VECTOR, WORDS));
    }
}
