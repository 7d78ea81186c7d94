package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PassageWindowsTest {

    @Test
    void aShortPassageIsEmbeddedOnce() {
        assertEquals(List.of("One sentence. Two sentences."), PassageWindows.texts("One sentence. Two sentences."));
    }

    @Test
    void aLongPassageIsEmbeddedWholeAndInWindowsOfWholeSentences() {
        String sentence = "This sentence is exactly fifty characters long ok. ";
        String passage = sentence.repeat(8).strip();
        List<String> texts = PassageWindows.texts(passage);
        assertEquals(passage, texts.get(0));
        // 8 sentences of 50 characters and a space: four fit in 250 characters, so two windows of four.
        assertEquals(List.of(sentence.repeat(4).strip(), sentence.repeat(4).strip()), texts.subList(1, texts.size()));
    }

    @Test
    void aPassageRanksByItsBestVectorAndAppearsOnce() {
        // Rows: passage 0 whole, passage 0 window, passage 1 whole, passage 2 whole.
        VectorIndex index = new VectorIndex(2, List.of(
                new float[] {0.6f, 0.8f}, new float[] {1f, 0f}, new float[] {0.8f, 0.6f}, new float[] {0f, 1f}));
        int[] owners = {0, 0, 1, 2};
        float[] query = {1f, 0f};
        // Scores: 0.6, 1.0, 0.8, 0.0 -> passage 0 (by its window), passage 1, passage 2.
        assertArrayEquals(new int[] {0, 1, 2}, PassageWindows.top(index, owners, query, 5));
        assertArrayEquals(new int[] {0, 1}, PassageWindows.top(index, owners, query, 2));
        assertArrayEquals(new int[] {0}, PassageWindows.top(index, owners, query, 1));
    }

    @Test
    void ownersMustMatchTheIndex() {
        VectorIndex index = new VectorIndex(2, List.of(new float[] {1f, 0f}));
        assertThrows(IllegalArgumentException.class, () -> PassageWindows.top(index, new int[] {0, 0}, new float[] {1f, 0f}, 1));
    }
}
