package dev.notebookchat.retrieval.control;

import dev.notebookchat.retrieval.control.Chunker.Chunk;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkerTest {

    @Test
    void passagesEndAtSentencesAndStartWithTheSentencesThatFitTheOverlap() {
        String text = "Alpha beta gamma. Delta epsilon. Zeta eta theta iota kappa. Lambda mu nu. Xi omicron pi rho.";

        assertEquals(List.of(
                        new Chunk(1, 0, 32, "Alpha beta gamma. Delta epsilon."),
                        // "Delta epsilon." (14 characters) fits the overlap of 25 and is repeated...
                        new Chunk(2, 18, 59, "Delta epsilon. Zeta eta theta iota kappa."),
                        // ...the 26 characters of "Zeta eta theta iota kappa." do not.
                        new Chunk(3, 60, 92, "Lambda mu nu. Xi omicron pi rho.")),
                new Chunker(50, 25).split(text));
    }

    @Test
    void aSentenceLongerThanAPassageIsCutAtWordsWithOverlap() {
        String text = "One two three. Four five six seven. Eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                + "seventeen eighteen nineteen twenty twenty-one. Short one. Last.";

        assertEquals(List.of(
                        new Chunk(1, 0, 35, "One two three. Four five six seven."),
                        // Not "Four five six seven." again on its own: the long sentence would not fit beside it.
                        new Chunk(2, 36, 82, "Eight nine ten eleven twelve thirteen fourteen"),
                        new Chunk(3, 65, 108, "thirteen fourteen fifteen sixteen seventeen"),
                        new Chunk(4, 91, 133, "sixteen seventeen eighteen nineteen twenty"),
                        new Chunk(5, 118, 162, "nineteen twenty twenty-one. Short one. Last.")),
                new Chunker(50, 20).split(text));
        assertEquals(List.of(
                        new Chunk(1, 0, 35, "One two three. Four five six seven."),
                        new Chunk(2, 36, 90, "Eight nine ten eleven twelve thirteen fourteen fifteen"),
                        new Chunk(3, 91, 145, "sixteen seventeen eighteen nineteen twenty twenty-one."),
                        new Chunk(4, 146, 162, "Short one. Last.")),
                new Chunker(60, 0).split(text));
    }

    @Test
    void whitespaceAroundSentencesIsLeftOutAndATextOfWhitespaceHasNoPassages() {
        assertEquals(List.of(new Chunk(1, 2, 26, "Hi.\n\n  Second line here.")), new Chunker(50, 10).split("\n Hi.\n\n  Second line here.  "));
        assertEquals(List.of(), new Chunker(50, 10).split("  \n\t "));
        assertEquals(List.of(), new Chunker(50, 10).split(""));
    }

    @Test
    void everyPassageIsTheSubstringAtItsOffsetsAndNoLongerThanTheSize() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("Sentence number ").append(i).append(" says ").append("something ".repeat(i % 17)).append(i % 5 == 0 ? "!\n\n" : ". ");
        }
        Chunker chunker = new Chunker(300, 60);
        List<Chunk> chunks = chunker.split(text.toString());

        for (Chunk chunk : chunks) {
            assertEquals(text.substring(chunk.start(), chunk.end()), chunk.text());
            assertEquals(true, chunk.text().length() <= 300, chunk.toString());
        }
        for (int i = 1; i < chunks.size(); i++) {
            assertEquals(i + 1, chunks.get(i).number());
            assertEquals(true, chunks.get(i).end() > chunks.get(i - 1).end(), "each passage brings text the one before did not have");
        }
        assertEquals(text.toString().strip().length(), chunks.get(chunks.size() - 1).end());
    }

    @Test
    void refusesSizesThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new Chunker(49, 0));
        assertThrows(IllegalArgumentException.class, () -> new Chunker(100, 51));
        assertThrows(IllegalArgumentException.class, () -> new Chunker(100, -1));
    }
}
