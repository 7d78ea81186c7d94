package dev.notebookchat.retrieval.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

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

    /** One unit vector per passage text, in order. */
    public List<float[]> passages(List<String> texts) {
        List<float[]> vectors = model().embed(texts);
        passages.inc(texts.size());
        return vectors;
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
