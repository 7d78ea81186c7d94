package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How well the passages a question is answered from come back: five stories of public-domain text
 * (src/test/resources/retrieval), cut with the default passage size and overlap, embedded with the model
 * the server uses, and 70 questions written the way a reader would ask them, each labelled with a short
 * phrase of the text that answers it. A passage is relevant to a question when it contains that phrase;
 * recall@k is the share of questions with a relevant passage among the k best. All stories share one
 * index, as the sources of one notebook do, so a question can be misled by another story.
 *
 * <p>The figures go to the test output; the assertion holds recall@5 at the level the product promises.
 */
class RetrievalQualityTest {

    private static final List<String> DOCUMENTS = List.of(
            "scandal-in-bohemia", "red-headed-league", "blue-carbuncle", "speckled-band", "copper-beeches");
    private static final int SIZE = 800;
    private static final int OVERLAP = 120;

    record Question(String document, String question, String answer) {
    }

    record Passage(String document, int number, String text) {
    }

    private static MiniLm model;

    @BeforeAll
    static void loadModel() {
        model = MiniLm.load();
    }

    @Test
    void theEmbeddingRuntimeRunsFromTheTestClasspath() {
        List<float[]> vectors = model.embed(List.of(
                "The detective examined the footprints in the garden.",
                "An investigator looked closely at the tracks left in the yard.",
                "Quarterly revenue grew by four percent."));
        assertEquals(3, vectors.size());
        for (float[] vector : vectors) {
            assertEquals(MiniLm.DIMENSIONS, vector.length);
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-4, "every vector is of unit length");
        }
        VectorIndex index = new VectorIndex(MiniLm.DIMENSIONS, vectors.subList(1, 3));
        // The paraphrase is nearer than the unrelated sentence: the model ran, not a stub of zeros.
        assertEquals(0, index.top(vectors.get(0), 1, row -> true)[0]);
        assertTrue(index.score(0, vectors.get(0)) > index.score(1, vectors.get(0)) + 0.2,
                "a paraphrase scores well above an unrelated sentence");
    }

    @Test
    void recallAtFiveOfTheLabelledQuestionsIsAtLeastNinetyPercent() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String document : DOCUMENTS) {
            texts.put(document, resource("stories/" + document + ".txt"));
        }
        List<Question> questions = questions(texts);

        Chunker chunker = new Chunker(SIZE, OVERLAP);
        List<Passage> passages = new ArrayList<>();
        for (Map.Entry<String, String> text : texts.entrySet()) {
            for (Chunker.Chunk chunk : chunker.split(text.getValue())) {
                passages.add(new Passage(text.getKey(), chunk.number(), chunk.text()));
            }
        }
        VectorIndex index = new VectorIndex(MiniLm.DIMENSIONS,
                model.embed(passages.stream().map(Passage::text).toList()));
        List<float[]> queries = model.embed(questions.stream().map(Question::question).toList());

        int atOne = 0;
        int atFive = 0;
        List<String> missed = new ArrayList<>();
        for (int q = 0; q < questions.size(); q++) {
            Question question = questions.get(q);
            int[] top = index.top(queries.get(q), 5, row -> true);
            int rank = -1;
            for (int i = 0; i < top.length && rank < 0; i++) {
                if (passages.get(top[i]).text().contains(question.answer())) {
                    rank = i + 1;
                }
            }
            if (rank == 1) {
                atOne++;
            }
            if (rank > 0) {
                atFive++;
            } else {
                Passage best = passages.get(top[0]);
                missed.add("  missed: " + question.question() + "  [answer \"" + question.answer() + "\" in "
                        + question.document() + "; best was " + best.document() + " passage " + best.number() + "]");
            }
        }
        double recallAtOne = (double) atOne / questions.size();
        double recallAtFive = (double) atFive / questions.size();
        System.out.printf("Retrieval quality: %d questions, %d passages (%d chars, overlap %d) from %d documents%n",
                questions.size(), passages.size(), SIZE, OVERLAP, texts.size());
        System.out.printf("  recall@1 = %.3f (%d/%d)%n", recallAtOne, atOne, questions.size());
        System.out.printf("  recall@5 = %.3f (%d/%d)%n", recallAtFive, atFive, questions.size());
        missed.forEach(System.out::println);

        assertTrue(recallAtFive >= 0.9, String.format("recall@5 is %.3f, below 0.9:%n%s",
                recallAtFive, String.join(System.lineSeparator(), missed)));
    }

    /**
     * The labelled questions. Each answer must occur exactly once in all the documents together, so the
     * passages that hold it are the ones a reader would be pointed to and no other story can answer by
     * accident; a typo or a phrase that is not distinctive fails here, before any figure is computed.
     */
    private static List<Question> questions(Map<String, String> texts) {
        List<Question> questions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String line : resource("stories/questions.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                problems.add("not document<TAB>question<TAB>answer: " + line);
                continue;
            }
            Question question = new Question(fields[0], fields[1], fields[2]);
            String text = texts.get(question.document());
            if (text == null) {
                problems.add("no document " + question.document() + ": " + line);
                continue;
            }
            int inDocument = occurrences(text, question.answer());
            int inAll = texts.values().stream().mapToInt(t -> occurrences(t, question.answer())).sum();
            if (inDocument != 1 || inAll != 1) {
                problems.add("answer \"" + question.answer() + "\" occurs " + inDocument + " times in "
                        + question.document() + " and " + inAll + " times in all: " + question.question());
            }
            questions.add(question);
        }
        assertEquals(List.of(), problems, "every answer is a phrase found exactly once in the documents");
        assertTrue(questions.size() >= 60, "at least 60 questions, not " + questions.size());
        return questions;
    }

    private static int occurrences(String text, String phrase) {
        int count = 0;
        for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
            count++;
        }
        return count;
    }

    private static String resource(String name) {
        try (InputStream in = RetrievalQualityTest.class.getResourceAsStream("/retrieval/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource retrieval/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
