package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Common state of one batch: embeddings read in double (optionally L2-normalized), the distance matrix and an
 * accumulated gradient over it, back-propagated at the end.
 */
final class BatchTriplets {
    final int n;
    final int d;
    final double[] x;
    final double @Nullable [] norms;
    final double[] dist;
    final double[] gradDist;
    final int[] labels;
    final Distance distance;
    final boolean[] hasPositive;
    final boolean[] hasNegative;

    BatchTriplets(String op, Tensor embeddings, int[] labels, Distance distance, boolean normalize,
            @Nullable Tensor grad) {
        this.x = Embeddings.read(embeddings, op + " embeddings");
        this.n = embeddings.dim(0);
        this.d = embeddings.dim(1);
        Embeddings.labels(labels, n, op);
        if (grad != null) {
            Embeddings.expect(grad, op + " grad", n, d);
        }
        this.labels = labels;
        this.distance = distance;
        this.norms = normalize ? Embeddings.normalize(x, n, d) : null;
        this.dist = distance.matrix(x, n, d);
        this.gradDist = new double[n * n];
        hasPositive = new boolean[n];
        hasNegative = new boolean[n];
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < n; j++) {
                if (j != a && labels[j] == labels[a]) {
                    hasPositive[a] = true;
                } else if (labels[j] != labels[a]) {
                    hasNegative[a] = true;
                }
            }
        }
    }

    double dist(int i, int j) {
        return dist[i * n + j];
    }

    void addGrad(int i, int j, double g) {
        gradDist[i * n + j] += g;
    }

    boolean collapsed() {
        return n > 1 && Embeddings.collapsed(dist, n, MiningStatistics.COLLAPSE_THRESHOLD);
    }

    /** Scales the accumulated distance gradient by {@code scale} and writes dL/d embeddings into {@code grad}. */
    void finish(double scale, @Nullable Tensor grad) {
        if (grad == null) {
            return;
        }
        if (scale != 1) {
            for (int i = 0; i < gradDist.length; i++) {
                gradDist[i] *= scale;
            }
        }
        double[] gx = new double[n * d];
        distance.backward(x, n, d, dist, gradDist, gx);
        if (norms != null) {
            Embeddings.normalizeBackward(x, norms, n, d, gx);
        }
        Embeddings.write(gx, grad);
    }

    static void checkMargin(double margin) {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
        }
    }
}
