package dev.notebookchat.retrieval.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * The server's one embedding model, loaded on first use (half a second, and memory a server that never
 * indexes does not need), and counted: {@code notebookchat_passages_embedded_total} says how many
 * passage texts were embedded, so "each passage once, again only when its text changes" can be seen
 * from outside; questions are counted apart.
 */
@ApplicationScoped
public class Embedder {

    private static final Metadata PASSAGES = Metadata.builder().withName("notebookchat.passages.embedded")
            .withDescription("Passage texts embedded for the search index").build();
    private static final Metadata QUESTIONS = Metadata.builder().withName("notebookchat.questions.embedded")
            .withDescription("Questions embedded to search passages").build();

    @Inject
    MetricRegistry registry;

    private volatile MiniLm model;
    private Counter passages;
    private Counter questions;

    @PostConstruct
    void register() {
        passages = registry.counter(PASSAGES);
        questions = registry.counter(QUESTIONS);
    }

    /** Created with the application, so a scrape before the first passage already shows the counters at 0. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // creating the bean registers them
    }

    /**
     * Each passage's vectors, in order: the passage's own first, then its windows' ({@link PassageWindows}),
     * all embedded in one call of the model. Counted as one embedded passage each.
     */
    public List<List<float[]>> passages(List<String> texts) {
        List<String> all = new ArrayList<>();
        int[] counts = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            List<String> parts = PassageWindows.texts(texts.get(i));
            counts[i] = parts.size();
            all.addAll(parts);
        }
        List<float[]> vectors = model().embed(all);
        List<List<float[]>> byPassage = new ArrayList<>(texts.size());
        int from = 0;
        for (int count : counts) {
            byPassage.add(vectors.subList(from, from + count));
            from += count;
        }
        passages.inc(texts.size());
        return byPassage;
    }

    public float[] question(String question) {
        float[] vector = model().embed(question);
        questions.inc();
        return vector;
    }

    private MiniLm model() {
        MiniLm loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    loaded = MiniLm.load();
                    model = loaded;
                }
            }
        }
        return loaded;
    }
}
