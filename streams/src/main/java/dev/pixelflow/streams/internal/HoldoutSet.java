package dev.pixelflow.streams.internal;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.metrics.EmbeddingMetrics;
import org.jspecify.annotations.Nullable;

/**
 * The embeddings of the last {@code capacity} held-out identity frames (never trained on), each embedded by the
 * snapshot that was current when it arrived, and recall@1 over them (leave-one-out nearest neighbour, queries
 * whose identity has no other frame excluded). Thread-safe.
 */
public final class HoldoutSet {
    private final float[][] vectors;
    private final int[] identities;
    private int next;
    private int size;

    /** Recall@1 and the points it was measured on (copies). */
    public record Recall(double recall, int queries, float[][] vectors, int[] identities) {
    }

    public HoldoutSet(int capacity) {
        vectors = new float[capacity][];
        identities = new int[capacity];
    }

    public synchronized void add(float[] vector, @Nullable Integer identity) {
        if (identity == null) {
            return;
        }
        vectors[next] = vector;
        identities[next] = identity;
        next = (next + 1) % vectors.length;
        size = Math.min(size + 1, vectors.length);
    }

    /** Recall@1 over the held-out set, or null while it has fewer than 2 frames or no measurable query. */
    public @Nullable Recall recallAt1() {
        float[][] v;
        int[] ids;
        synchronized (this) {
            if (size < 2) {
                return null;
            }
            v = new float[size][];
            ids = new int[size];
            for (int i = 0; i < size; i++) {
                v[i] = vectors[i];
                ids[i] = identities[i];
            }
        }
        int d = v[0].length;
        float[] flat = new float[size * d];
        for (int i = 0; i < v.length; i++) {
            System.arraycopy(v[i], 0, flat, i * d, d);
        }
        try (Tensor t = Tensor.of(flat, v.length, d)) {
            EmbeddingMetrics.RecallAtK r = EmbeddingMetrics.recallAtK(t, ids, 1);
            return r.queries() == 0 ? null : new Recall(r.recall(), r.queries(), v, ids);
        }
    }
}
