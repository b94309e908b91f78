package dev.pixelflow.simd.metrics;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Retrieval and verification metrics for a batch of embeddings {@code [N, D]} (one row per sample) with
 * integer identity labels {@code labels[N]}. Distances are Euclidean, from
 * {@link Ops#pairwiseSquaredDistances} (float32); ties in distance are broken by the lower sample index.
 */
public final class EmbeddingMetrics {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private EmbeddingMetrics() {
    }

    /**
     * Recall@k: the fraction of {@code queries} whose {@code k} nearest other samples contain one of the
     * same identity. Samples whose identity has no other sample cannot hit and are {@code excluded}.
     * {@code recall} is NaN when every sample is excluded.
     */
    public record RecallAtK(int k, double recall, int hits, int queries, int excluded) {
    }

    /**
     * Verification over all pairs {@code i < j}: a pair is predicted "same identity" when its Euclidean
     * distance is {@code <= threshold}. {@code threshold} is the one with the best {@code accuracy}
     * (the smallest such when several tie); when accepting no pair is best it is just below the smallest
     * pair distance ({@code Math.nextDown}).
     */
    public record Verification(double accuracy, double threshold, long pairs, long samePairs) {
    }

    /** Recall@k with {@link Ops#defaults()}. */
    public static RecallAtK recallAtK(Tensor embeddings, int[] labels, int k) {
        return recallAtK(Ops.defaults(), embeddings, labels, k);
    }

    public static RecallAtK recallAtK(Ops ops, Tensor embeddings, int[] labels, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("recall@k: k must be >= 1, got " + k);
        }
        int n = check(embeddings, labels);
        Map<Integer, Integer> perLabel = new HashMap<>();
        for (int l : labels) {
            perLabel.merge(l, 1, Integer::sum);
        }
        try (Tensor d = distances(ops, embeddings)) {
            MemorySegment s = d.segment();
            int hits = 0;
            int excluded = 0;
            for (int i = 0; i < n; i++) {
                if (perLabel.get(labels[i]) < 2) {
                    excluded++;
                    continue;
                }
                // The nearest same-identity other sample j* hits iff fewer than k others rank before it.
                long row = (long) i * n;
                int best = -1;
                float bestD = 0;
                for (int j = 0; j < n; j++) {
                    float v = s.getAtIndex(F32, row + j);
                    if (j != i && labels[j] == labels[i] && (best < 0 || v < bestD)) {
                        best = j;
                        bestD = v;
                    }
                }
                int before = 0;
                for (int j = 0; j < n && before < k; j++) {
                    float v = s.getAtIndex(F32, row + j);
                    if (j != i && (v < bestD || (v == bestD && j < best))) {
                        before++;
                    }
                }
                if (before < k) {
                    hits++;
                }
            }
            int queries = n - excluded;
            return new RecallAtK(k, queries == 0 ? Double.NaN : (double) hits / queries, hits, queries, excluded);
        }
    }

    /** Verification accuracy at the best threshold with {@link Ops#defaults()}. */
    public static Verification verification(Tensor embeddings, int[] labels) {
        return verification(Ops.defaults(), embeddings, labels);
    }

    public static Verification verification(Ops ops, Tensor embeddings, int[] labels) {
        int n = check(embeddings, labels);
        if (n < 2) {
            throw new IllegalArgumentException("verification needs at least 2 embeddings, got " + n);
        }
        long pairs = (long) n * (n - 1) / 2;
        if (pairs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("verification: " + n + " embeddings give too many pairs");
        }
        // Pairs sorted by distance, the same-identity flag packed into the lowest bit of a sortable key.
        long[] keys = new long[(int) pairs];
        long same = 0;
        try (Tensor d = distances(ops, embeddings)) {
            MemorySegment s = d.segment();
            int p = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    float v = s.getAtIndex(F32, (long) i * n + j);
                    boolean sameId = labels[i] == labels[j];
                    same += sameId ? 1 : 0;
                    // Non-negative floats order like their bit patterns.
                    keys[p++] = ((long) Float.floatToRawIntBits(Math.max(v, 0f)) << 1) | (sameId ? 1 : 0);
                }
            }
        }
        Arrays.sort(keys);
        // Threshold below everything: every pair predicted "different", correct on all different pairs.
        long correct = pairs - same;
        long bestCorrect = correct;
        double bestThreshold = Math.nextDown(Math.sqrt(Float.intBitsToFloat((int) (keys[0] >>> 1))));
        for (int p = 0; p < keys.length; p++) {
            correct += (keys[p] & 1) == 1 ? 1 : -1; // pair p moves to "same"
            float sq = Float.intBitsToFloat((int) (keys[p] >>> 1));
            boolean lastOfDistance = p + 1 == keys.length || (keys[p + 1] >>> 1) != (keys[p] >>> 1);
            if (lastOfDistance && correct > bestCorrect) {
                bestCorrect = correct;
                bestThreshold = Math.sqrt(sq);
            }
        }
        return new Verification((double) bestCorrect / pairs, bestThreshold, pairs, same);
    }

    static Tensor distances(Ops ops, Tensor embeddings) {
        int n = embeddings.dim(0);
        Tensor d = Tensor.zeros(n, n);
        try {
            ops.pairwiseSquaredDistances(embeddings, embeddings, d);
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    static int check(Tensor embeddings, int[] labels) {
        if (embeddings.rank() != 2) {
            throw new IllegalArgumentException("embeddings must be [N, D], got " + embeddings.shapeString());
        }
        int n = embeddings.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("embeddings " + embeddings.shapeString() + " have " + n
                    + " rows but labels has " + labels.length);
        }
        MemorySegment s = embeddings.segment();
        for (long i = 0, size = embeddings.size(); i < size; i++) {
            if (!Float.isFinite(s.getAtIndex(F32, i))) {
                throw new IllegalArgumentException("embedding value " + s.getAtIndex(F32, i) + " at "
                        + LabelMaps.position(embeddings.shape(), i) + " is not finite");
            }
        }
        return n;
    }
}
