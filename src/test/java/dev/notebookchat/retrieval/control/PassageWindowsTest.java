package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void candidatesRankAgainByTheirBestVector() {
        VectorIndex passages = new VectorIndex(2, List.of(
                new float[] {0.6f, 0.8f}, new float[] {0.8f, 0.6f}, new float[] {0f, 1f}));
        VectorIndex none = new VectorIndex(2, List.of());
        List<VectorIndex> windows = List.of(
                new VectorIndex(2, List.of(new float[] {0f, 1f}, new float[] {1f, 0f})), none, none);
        float[] query = {1f, 0f};
        // First stage (by passage vectors): 1 (0.8), 0 (0.6), 2 (0.0); passage 0's second window scores 1.0.
        assertArrayEquals(new int[] {0, 1, 2}, PassageWindows.rerank(query, new int[] {1, 0, 2}, passages, windows::get, 5));
        assertArrayEquals(new int[] {0}, PassageWindows.rerank(query, new int[] {1, 0, 2}, passages, windows::get, 1));
        // Only the candidates are ranked: passage 0 is not among them.
        assertArrayEquals(new int[] {1, 2}, PassageWindows.rerank(query, new int[] {1, 2}, passages, windows::get, 5));
    }

    @Test
    void equalScoresKeepTheFirstStagesOrder() {
        VectorIndex passages = new VectorIndex(2, List.of(new float[] {1f, 0f}, new float[] {1f, 0f}));
        VectorIndex none = new VectorIndex(2, List.of());
        assertArrayEquals(new int[] {1, 0}, PassageWindows.rerank(new float[] {1f, 0f}, new int[] {1, 0}, passages, row -> none, 2));
    }
}
