package dev.notebookchat.retrieval.control;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantised), in this process on ONNX Runtime: 384 numbers per text, of length one,
 * so the dot product of two is their cosine similarity. The model ships inside its jar; loading it takes
 * about half a second and embedding a passage of 800 characters about 15 ms of one core. Thread-safe.
 */
public final class MiniLm {

    public static final int DIMENSIONS = 384;

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;

    private MiniLm(AllMiniLmL6V2QuantizedEmbeddingModel model) {
        this.model = model;
    }

    public static MiniLm load() {
        return new MiniLm(new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    /** One unit vector per text, in order. */
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            segments.add(TextSegment.from(text));
        }
        List<Embedding> embeddings = model.embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(unit(embedding.vector()));
        }
        return vectors;
    }

    public float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return vector;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }
}
