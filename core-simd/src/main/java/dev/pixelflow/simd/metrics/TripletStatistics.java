package dev.pixelflow.simd.metrics;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The active-triplet fraction of a batch (batch-all mining statistic): over every valid triplet
 * {@code (a, p, n)} of embeddings {@code [N, D]} with {@code labels[a] == labels[p]}, {@code a != p} and
 * {@code labels[n] != labels[a]}, the fraction whose hinge loss {@code d(a,p) - d(a,n) + margin} exceeds
 * {@code 1e-5}. Distances come from {@link Ops#pairwiseSquaredDistances}; {@code EUCLIDEAN} is
 * {@code sqrt(d^2 + 1e-12)} as in the triplet losses.
 *
 * @param activeFraction {@code active / triplets}, NaN when the batch has no valid triplet
 */
public record TripletStatistics(double activeFraction, long active, long triplets) {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** A triplet is active when its loss is above this (SEMANTICS: loss > 1e-5). */
    public static final double ACTIVE_LOSS = 1e-5;

    /** Distance used for {@code d(a,p)} and {@code d(a,n)}. */
    public enum Distance {
        /** {@code sqrt(||x - y||^2 + 1e-12)}. */
        EUCLIDEAN,
        /** {@code ||x - y||^2} (FaceNet). */
        SQUARED
    }

    /** With {@link Ops#defaults()}. */
    public static TripletStatistics of(Tensor embeddings, int[] labels, double margin, Distance distance) {
        return of(Ops.defaults(), embeddings, labels, margin, distance);
    }

    public static TripletStatistics of(Ops ops, Tensor embeddings, int[] labels, double margin, Distance distance) {
        if (!Double.isFinite(margin) || distance == null) {
            throw new IllegalArgumentException("triplet statistics: margin " + margin + " must be finite and distance"
                    + " non-null, got " + distance);
        }
        int n = EmbeddingMetrics.check(embeddings, labels);
        long active = 0;
        long triplets = 0;
        try (Tensor d = EmbeddingMetrics.distances(ops, embeddings)) {
            MemorySegment s = d.segment();
            for (int a = 0; a < n; a++) {
                long row = (long) a * n;
                for (int p = 0; p < n; p++) {
                    if (p == a || labels[p] != labels[a]) {
                        continue;
                    }
                    double dap = dist(s.getAtIndex(F32, row + p), distance);
                    for (int q = 0; q < n; q++) {
                        if (labels[q] == labels[a]) {
                            continue;
                        }
                        triplets++;
                        if (dap - dist(s.getAtIndex(F32, row + q), distance) + margin > ACTIVE_LOSS) {
                            active++;
                        }
                    }
                }
            }
        }
        return new TripletStatistics(triplets == 0 ? Double.NaN : (double) active / triplets, active, triplets);
    }

    private static double dist(float squared, Distance distance) {
        double sq = Math.max(squared, 0f);
        return distance == Distance.SQUARED ? sq : Math.sqrt(sq + 1e-12);
    }
}
