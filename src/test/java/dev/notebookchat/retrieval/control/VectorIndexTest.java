package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VectorIndexTest {

    /** Rows with known dot products against the query (1, 0, 0): 0.2, 0.9, -0.5, 0.9, 0.7, 0.1. */
    static final VectorIndex INDEX = new VectorIndex(3, List.of(
            new float[] {0.2f, 0.1f, 0f},
            new float[] {0.9f, 0f, 0.3f},
            new float[] {-0.5f, 0.5f, 0f},
            new float[] {0.9f, 0.2f, 0f},
            new float[] {0.7f, 0f, 0f},
            new float[] {0.1f, 0f, 0.9f}));
    static final float[] QUERY = {1f, 0f, 0f};

    @Test
    void theTopKAreTheMostSimilarBestFirstAndTiesGoToTheEarlierRow() {
        assertArrayEquals(new int[] {1, 3, 4}, INDEX.top(QUERY, 3, row -> true));
        assertArrayEquals(new int[] {1, 3, 4, 0, 5, 2}, INDEX.top(QUERY, 10, row -> true));
        assertArrayEquals(new int[] {1}, INDEX.top(QUERY, 1, row -> true));
        assertArrayEquals(new int[0], INDEX.top(QUERY, 0, row -> true));
    }

    @Test
    void onlyAllowedRowsAreConsidered() {
        assertArrayEquals(new int[] {3, 4, 5}, INDEX.top(QUERY, 3, row -> row != 1 && row != 0));
        assertArrayEquals(new int[] {2}, INDEX.top(QUERY, 3, row -> row == 2));
        assertArrayEquals(new int[0], INDEX.top(QUERY, 3, row -> false));
    }

    @Test
    void manyTiesKeepRowOrderWhateverTheHeapDoes() {
        List<float[]> same = java.util.stream.IntStream.range(0, 50).mapToObj(i -> new float[] {i % 2 == 0 ? 0.5f : 0.25f, 0f, 0f}).toList();
        VectorIndex ties = new VectorIndex(3, same);

        assertArrayEquals(new int[] {0, 2, 4, 6, 8}, ties.top(QUERY, 5, row -> true));
        assertArrayEquals(new int[] {1, 3, 5}, ties.top(QUERY, 3, row -> row % 2 == 1));
    }

    @Test
    void scoresAreDotProductsAndVectorsSurviveTheirStoredBytes() {
        assertEquals(0.9f, INDEX.score(3, QUERY));
        float[] vector = {0.1f, -2.5f, Float.MIN_VALUE, 3.4028235e38f};
        byte[] bytes = VectorIndex.bytes(vector);
        assertEquals(16, bytes.length);
        assertEquals(0x3d, bytes[3] & 0xff, "little-endian: 0.1f is 0x3dcccccd, its high byte last");
        assertArrayEquals(vector, VectorIndex.vector(bytes));
    }

    @Test
    void refusesVectorsOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new VectorIndex(3, List.of(new float[] {1f, 0f})));
        assertThrows(IllegalArgumentException.class, () -> INDEX.top(new float[] {1f, 0f}, 3, row -> true));
    }
}
