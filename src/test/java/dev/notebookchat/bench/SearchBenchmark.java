package dev.notebookchat.bench;

import dev.notebookchat.retrieval.control.Chunker;
import dev.notebookchat.retrieval.control.MiniLm;
import dev.notebookchat.retrieval.control.PassageWindows;
import dev.notebookchat.retrieval.control.VectorIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Retrieval's speed, in this process: a search as {@code Passages.search} ranks, over a notebook's
 * vectors (random unit vectors of MiniLM's 384 dimensions; the scan does not care what they mean) at
 * 10,000 and 100,000 passages: the exact top 50 by passage vector, then those 50 ranked again with five
 * window vectors each (the server reads those 50 rows from the database in between, which is not
 * measured here); the time to embed a question; and how many passages per second indexing embeds, each
 * with its windows. Prints the figures
 * and writes them to {@code target/benchmark/search.md}. Run it with
 * <pre>mvn -o -q test-compile exec:java -Dpayara.skip=true -Dexec.classpathScope=test -Dexec.mainClass=dev.notebookchat.bench.SearchBenchmark</pre>
 * on a quiet machine: the numbers are one core's (a search and an embedding run on one thread).
 */
public final class SearchBenchmark {

    static final int DIMENSIONS = MiniLm.DIMENSIONS;
    static final int[] SIZES = {10_000, 100_000};
    static final int SEARCHES = Integer.getInteger("benchmark.searches", 300);
    static final int QUESTIONS = Integer.getInteger("benchmark.questions", 100);
    static final int PASSAGES = Integer.getInteger("benchmark.passages", 256);
    /** The default of notebookchat.retrieval.candidates. */
    static final int CANDIDATES = 50;

    public static void main(String[] args) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Retrieval benchmark");
        lines.add("");
        lines.add("Java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, one thread measured. Times in milliseconds (nearest-rank percentiles).");
        lines.add("");
        lines.add("| measurement | count | p50 | p99 | max |");
        lines.add("|---|---:|---:|---:|---:|");
        Random random = new Random(12);
        for (int size : SIZES) {
            lines.add(row("search (top 50, reranked to 5), " + String.format(Locale.ROOT, "%,d", size) + " passages",
                    search(size, random)));
        }

        MiniLm model = timedLoad(lines);
        lines.add(row("question embedding", questions(model)));
        double perSecond = indexing(model);
        lines.add("");
        lines.add(String.format(Locale.ROOT, "Indexing throughput: %.1f passages/s (%d passages of up to 800 characters, "
                + "each with its windows, embedded in batches of 32).", perSecond, PASSAGES));

        String report = String.join("\n", lines) + "\n";
        System.out.print(report);
        Path out = Path.of("target", "benchmark", "search.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    private static Distribution.Summary search(int size, Random random) {
        List<float[]> vectors = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            vectors.add(unit(random));
        }
        VectorIndex index = new VectorIndex(DIMENSIONS, vectors);
        List<VectorIndex> windows = new ArrayList<>();
        for (int i = 0; i < CANDIDATES; i++) {
            List<float[]> ofPassage = new ArrayList<>();
            for (int w = 0; w < 5; w++) {
                ofPassage.add(unit(random));
            }
            windows.add(new VectorIndex(DIMENSIONS, ofPassage));
        }
        Distribution times = new Distribution();
        int checksum = 0;
        for (int i = 0; i < SEARCHES + 50; i++) {
            float[] query = unit(random);
            long start = System.nanoTime();
            int[] candidates = index.top(query, CANDIDATES, row -> true);
            int[] top = PassageWindows.rerank(query, candidates, index, row -> windows.get(Math.floorMod(row, CANDIDATES)), 5);
            long took = System.nanoTime() - start;
            checksum += top[0];
            if (i >= 50) { // the first ones warm the JIT up
                times.add(took);
            }
        }
        if (checksum == 42) {
            System.out.println(); // keeps the results alive for the JIT
        }
        return times.summary();
    }

    private static MiniLm timedLoad(List<String> lines) {
        long start = System.nanoTime();
        MiniLm model = MiniLm.load();
        model.embed("warm up");
        lines.add(String.format(Locale.ROOT, "| model load and first embedding | 1 | %.1f | | |", (System.nanoTime() - start) / 1e6));
        return model;
    }

    private static Distribution.Summary questions(MiniLm model) {
        String[] questions = {
                "How long does a shot of espresso take to extract?",
                "When was the lighthouse first lit?",
                "What does the contract say about late delivery and who pays for it?",
                "Which chapters talk about the war with the neighbouring kingdom?",
                "Summarise the argument of the second source in two sentences."};
        for (int i = 0; i < 10; i++) {
            model.embed(questions[i % questions.length]);
        }
        Distribution times = new Distribution();
        for (int i = 0; i < QUESTIONS; i++) {
            long start = System.nanoTime();
            model.embed(questions[i % questions.length] + " " + i);
            times.add(System.nanoTime() - start);
        }
        return times.summary();
    }

    /** Passages as the indexer makes them, from a generated text of varied sentences. */
    private static double indexing(MiniLm model) {
        StringBuilder text = new StringBuilder();
        String[] words = "the keeper lit lamp every evening while ships passed north through narrow sound under heavy fog and rain"
                .split(" ");
        Random random = new Random(7);
        List<Chunker.Chunk> chunks = List.of();
        while (chunks.size() < PASSAGES) {
            for (int s = 0; s < 50; s++) {
                int length = 8 + random.nextInt(20);
                for (int w = 0; w < length; w++) {
                    String word = words[random.nextInt(words.length)];
                    text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word).append(w == length - 1 ? ". " : " ");
                }
            }
            chunks = new Chunker(800, 120).split(text.toString());
        }
        List<String> passages = chunks.subList(0, PASSAGES).stream().map(Chunker.Chunk::text).toList();
        model.embed(withWindows(passages.subList(0, 32)));
        long start = System.nanoTime();
        for (int from = 0; from < passages.size(); from += 32) {
            model.embed(withWindows(passages.subList(from, Math.min(passages.size(), from + 32))));
        }
        return passages.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** What the indexer embeds for these passages: each one and its windows, in one call (Embedder.passages). */
    private static List<String> withWindows(List<String> passages) {
        List<String> texts = new ArrayList<>();
        passages.forEach(passage -> texts.addAll(PassageWindows.texts(passage)));
        return texts;
    }

    private static float[] unit(Random random) {
        float[] vector = new float[DIMENSIONS];
        double norm = 0;
        for (int d = 0; d < DIMENSIONS; d++) {
            vector[d] = (float) random.nextGaussian();
            norm += vector[d] * vector[d];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIMENSIONS; d++) {
            vector[d] *= scale;
        }
        return vector;
    }

    private static String row(String what, Distribution.Summary summary) {
        return String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f |", what, summary.count(), summary.p50(), summary.p99(), summary.max());
    }
}
