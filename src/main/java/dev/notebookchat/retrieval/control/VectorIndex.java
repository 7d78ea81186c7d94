package dev.notebookchat.retrieval.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Exact nearest neighbours by cosine similarity over unit vectors held in one flat array: a search
 * reads every vector once, with no index to build or to keep in step with the database. Immutable,
 * so a notebook's index is shared by every search that reads it.
 */
public final class VectorIndex {

    private final int dimensions;
    private final int size;
    private final float[] flat;

    public VectorIndex(int dimensions, List<float[]> vectors) {
        this.dimensions = dimensions;
        this.size = vectors.size();
        this.flat = new float[size * dimensions];
        for (int i = 0; i < size; i++) {
            float[] vector = vectors.get(i);
            if (vector.length != dimensions) {
                throw new IllegalArgumentException("Vector " + i + " has " + vector.length + " dimensions, not " + dimensions);
            }
            System.arraycopy(vector, 0, flat, i * dimensions, dimensions);
        }
    }

    public int size() {
        return size;
    }

    /** The similarity of row {@code row} to {@code query}: their dot product, the cosine for unit vectors. */
    public float score(int row, float[] query) {
        // Four running sums instead of one: the JIT may not reorder float additions, so a single sum
        // waits on each addition before the next; four independent ones keep the core's adders busy
        // (about twice as fast). The order is fixed, so the same vectors always give the same score.
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int offset = row * dimensions;
        int d = 0;
        for (int end = dimensions - 3; d < end; d += 4) {
            s0 += flat[offset + d] * query[d];
            s1 += flat[offset + d + 1] * query[d + 1];
            s2 += flat[offset + d + 2] * query[d + 2];
            s3 += flat[offset + d + 3] * query[d + 3];
        }
        for (; d < dimensions; d++) {
            s0 += flat[offset + d] * query[d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The rows of the {@code k} vectors most similar to {@code query} among those {@code allowed}, best
     * first; equal scores keep row order, so the same data always gives the same answer.
     */
    public int[] top(float[] query, int k, IntPredicate allowed) {
        if (query.length != dimensions) {
            throw new IllegalArgumentException("The query has " + query.length + " dimensions, not " + dimensions);
        }
        if (k <= 0) {
            return new int[0];
        }
        // A min-heap of the best k so far: one pass, k log k extra work at most per row that gets in.
        int[] heapRows = new int[Math.min(k, size)];
        float[] heapScores = new float[heapRows.length];
        int filled = 0;
        for (int row = 0; row < size; row++) {
            if (!allowed.test(row)) {
                continue;
            }
            float score = score(row, query);
            if (filled < heapRows.length) {
                heapRows[filled] = row;
                heapScores[filled] = score;
                siftUp(heapRows, heapScores, filled++);
            } else if (heapRows.length > 0 && score > heapScores[0]) {
                heapRows[0] = row;
                heapScores[0] = score;
                siftDown(heapRows, heapScores, filled);
            }
        }
        Integer[] order = new Integer[filled];
        for (int i = 0; i < filled; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> heapScores[a] != heapScores[b]
                ? Float.compare(heapScores[b], heapScores[a]) : Integer.compare(heapRows[a], heapRows[b]));
        int[] rows = new int[filled];
        for (int i = 0; i < filled; i++) {
            rows[i] = heapRows[order[i]];
        }
        return rows;
    }

    /** The worse of two entries: the lower score, or on a tie the later row (so earlier rows win ties). */
    private static boolean worse(int[] rows, float[] scores, int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
    }

    private static void siftUp(int[] rows, float[] scores, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!worse(rows, scores, i, parent)) {
                return;
            }
            swap(rows, scores, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] rows, float[] scores, int n) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            int right = left + 1;
            int worst = i;
            if (left < n && worse(rows, scores, left, worst)) {
                worst = left;
            }
            if (right < n && worse(rows, scores, right, worst)) {
                worst = right;
            }
            if (worst == i) {
                return;
            }
            swap(rows, scores, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] rows, float[] scores, int a, int b) {
        int row = rows[a];
        rows[a] = rows[b];
        rows[b] = row;
        float score = scores[a];
        scores[a] = scores[b];
        scores[b] = score;
    }

    /** A vector as it is stored: little-endian IEEE floats, four bytes each. */
    public static byte[] bytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    /** Several vectors one after another, as {@link #bytes(float[])} writes each. */
    public static byte[] bytes(List<float[]> vectors) {
        ByteBuffer buffer = ByteBuffer.allocate(vectors.stream().mapToInt(v -> v.length).sum() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float[] vector : vectors) {
            for (float v : vector) {
                buffer.putFloat(v);
            }
        }
        return buffer.array();
    }

    /** The vectors {@link #bytes(List)} wrote, as an index of their own. */
    public static VectorIndex of(int dimensions, byte[] bytes) {
        float[] all = vector(bytes);
        List<float[]> vectors = new ArrayList<>(all.length / dimensions);
        for (int from = 0; from + dimensions <= all.length; from += dimensions) {
            vectors.add(Arrays.copyOfRange(all, from, from + dimensions));
        }
        return new VectorIndex(dimensions, vectors);
    }

    public static float[] vector(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
