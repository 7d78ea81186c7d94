package dev.notebookchat.retrieval.control;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How well the passages a question is answered from come back, on two labelled sets of public-domain
 * text (src/test/resources/retrieval, each folder with a README naming its sources): {@code expository},
 * eight chapters of popular science and economics, the kind of document a notebook holds, and
 * {@code stories}, five Sherlock Holmes stories, where vague questions about a plot are the hard case for
 * a small model. Each is cut with the default passage size and overlap, embedded with the model the server
 * uses, and held in one index, as the sources of one notebook are, so a question can be misled by a
 * neighbouring document. Every question is labelled with a short phrase of the text that answers it; a
 * passage is relevant when it contains that phrase, and recall@k is the share of questions with a
 * relevant passage among the k best.
 *
 * <p>Two rankings are measured: the passage vectors alone (exact cosine), for comparison, and the
 * product's search: the passage vectors' best {@value #CANDIDATES}, ranked again by the best of each one's
 * own vector and those of its two-sentence windows ({@link PassageWindows}). The figures of both, and
 * every question each one missed, go to the test output; the assertions hold the product's.
 */
class RetrievalQualityTest {

    private static final List<String> EXPOSITORY = List.of(
            "the-solar-system", "stars-and-nebulae", "adaptations-to-environment", "the-struggle-for-existence",
            "atoms-and-electrons", "light-and-energy", "division-of-labour", "money-and-price");
    private static final List<String> STORIES = List.of(
            "scandal-in-bohemia", "red-headed-league", "blue-carbuncle", "speckled-band", "copper-beeches");
    private static final int SIZE = 800;
    private static final int OVERLAP = 120;
    /** The vector of each passage alone. */
    private static final String VECTOR = "vector";
    /** The product's: the passage vectors' best, ranked again with their windows (Passages.search). */
    private static final String WINDOWED = "windowed";
    private static final List<String> METHODS = List.of(VECTOR, WINDOWED);
    /** How many of the passage vectors' best the second stage ranks again: the default of the search's setting. */
    private static final int CANDIDATES = 50;

    record Question(String document, String question, String answer) {
    }

    record Passage(String document, int number, String text) {
    }

    /** Recall of one ranking on one corpus: questions answered at rank 1, within the top 5, and the misses. */
    record Recall(String corpus, String method, int questions, int atOne, int atFive, List<String> missed) {

        double atOneShare() {
            return (double) atOne / questions;
        }

        double atFiveShare() {
            return (double) atFive / questions;
        }

        void print() {
            System.out.printf("  %-13s recall@1 = %.3f (%d/%d)   recall@5 = %.3f (%d/%d)%n", method,
                    atOneShare(), atOne, questions, atFiveShare(), atFive, questions);
            missed.forEach(miss -> System.out.println("    missed: " + miss));
        }
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

    /**
     * The promise of the product, on the kind of text a notebook holds. Measured recall@5 (of 84):
     * passage vectors alone 0.857 (72), the product's windowed search 0.929 (78).
     */
    @Test
    void expositoryDocumentsRecallAtFiveIsAtLeastNinetyPercent() {
        Recall product = measure("expository", EXPOSITORY).get(WINDOWED);
        assertTrue(product.atFiveShare() >= 0.9, String.format("%s recall@5 on expository text is %.3f, below 0.9:%n%s",
                product.method(), product.atFiveShare(), String.join(System.lineSeparator(), product.missed())));
    }

    /**
     * Vague questions about the plot of a story are beyond a model of this size: neither ranking comes
     * near 0.9 on them (recall@5 of 70: passage vectors 0.486 (34), windowed 0.471 (33); fusing either
     * with a BM25 ranking reached 0.571 at best). So this is a regression floor, not a promise: the
     * product's 0.471 rounded down to the nearest 0.05.
     */
    @Test
    void storiesRecallAtFiveStaysAboveItsMeasuredFloor() {
        Recall product = measure("stories", STORIES).get(WINDOWED);
        assertTrue(product.atFiveShare() >= STORIES_FLOOR, String.format(
                "%s recall@5 on the stories is %.3f, below the floor of %.2f:%n%s", product.method(),
                product.atFiveShare(), STORIES_FLOOR, String.join(System.lineSeparator(), product.missed())));
    }

    private static final double STORIES_FLOOR = 0.45;

    /**
     * Cuts the corpus into passages, indexes them every way measured, asks every question, and prints and
     * returns the figures of each method.
     */
    private static Map<String, Recall> measure(String corpus, List<String> documents) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String document : documents) {
            texts.put(document, resource(corpus + "/" + document + ".txt"));
        }
        List<Question> questions = questions(corpus, texts);

        Chunker chunker = new Chunker(SIZE, OVERLAP);
        List<Passage> passages = new ArrayList<>();
        for (Map.Entry<String, String> text : texts.entrySet()) {
            for (Chunker.Chunk chunk : chunker.split(text.getValue())) {
                passages.add(new Passage(text.getKey(), chunk.number(), chunk.text()));
            }
        }
        // An answer cut in two by a passage boundary could never be found: a labelling error, not a miss.
        List<String> unreachable = questions.stream()
                .filter(question -> passages.stream().noneMatch(passage -> passage.text().contains(question.answer())))
                .map(Question::answer).toList();
        assertEquals(List.of(), unreachable, "every answer lies whole in at least one passage");
        List<String> passageTexts = passages.stream().map(Passage::text).toList();
        VectorIndex vectors = new VectorIndex(MiniLm.DIMENSIONS, model.embed(passageTexts));
        List<String> windowTexts = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int p = 0; p < passageTexts.size(); p++) {
            for (String text : PassageWindows.texts(passageTexts.get(p))) {
                windowTexts.add(text);
                owners.add(p);
            }
        }
        List<float[]> windowVectors = model.embed(windowTexts);
        List<List<float[]>> windowsOfPassage = new ArrayList<>();
        for (int p = 0; p < passageTexts.size(); p++) {
            windowsOfPassage.add(new ArrayList<>());
        }
        for (int w = 0; w < windowVectors.size(); w++) {
            windowsOfPassage.get(owners.get(w)).add(windowVectors.get(w));
        }
        List<VectorIndex> windowIndexes = windowsOfPassage.stream()
                .map(list -> new VectorIndex(MiniLm.DIMENSIONS, list)).toList();
        List<float[]> queries = model.embed(questions.stream().map(Question::question).toList());

        Map<String, List<int[]>> tops = new LinkedHashMap<>();
        for (String method : METHODS) {
            tops.put(method, new ArrayList<>());
        }
        for (int q = 0; q < questions.size(); q++) {
            int[] byVector = vectors.top(queries.get(q), CANDIDATES, row -> true);
            tops.get(VECTOR).add(Arrays.copyOf(byVector, Math.min(5, byVector.length)));
            tops.get(WINDOWED).add(PassageWindows.rerank(queries.get(q), byVector, vectors, windowIndexes::get, 5));
        }
        System.out.printf("Retrieval quality, %s: %d questions, %d passages (%d chars, overlap %d) from %d documents,"
                        + " %d vectors with their windows of %d chars%n", corpus, questions.size(), passages.size(), SIZE,
                OVERLAP, texts.size(), windowTexts.size(), PassageWindows.WINDOW);
        Map<String, Recall> recalls = new LinkedHashMap<>();
        for (String method : METHODS) {
            Recall recall = recall(corpus, method, questions, passages, tops.get(method));
            recall.print();
            recalls.put(method, recall);
        }
        return recalls;
    }

    private static Recall recall(String corpus, String method, List<Question> questions, List<Passage> passages,
                                 List<int[]> tops) {
        int atOne = 0;
        int atFive = 0;
        List<String> missed = new ArrayList<>();
        for (int q = 0; q < questions.size(); q++) {
            Question question = questions.get(q);
            int[] top = tops.get(q);
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
                missed.add(question.question() + "  [answer \"" + question.answer() + "\" in "
                        + question.document() + "; best was " + best.document() + " passage " + best.number() + "]");
            }
        }
        return new Recall(corpus, method, questions.size(), atOne, atFive, missed);
    }

    /**
     * The labelled questions. Each answer must occur exactly once in all the documents together, so the
     * passages that hold it are the ones a reader would be pointed to and no other document can answer by
     * accident; a typo or a phrase that is not distinctive fails here, before any figure is computed.
     */
    private static List<Question> questions(String corpus, Map<String, String> texts) {
        List<Question> questions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String line : resource(corpus + "/questions.tsv").split("\n")) {
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
