package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Shared argument checks, reads/writes and the optional L2 normalization. */
final class Embeddings {
    /** Smallest norm used by {@link #normalize} (as {@code torch.nn.functional.normalize}). */
    static final double NORM_EPS = 1e-12;

    private Embeddings() {
    }

    static double[] read(Tensor x, String what) {
        if (x == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (x.rank() != 2 || x.dim(0) < 1 || x.dim(1) < 1) {
            throw new IllegalArgumentException(what + " must be [N, D] with N, D >= 1, got " + x.shapeString());
        }
        MemorySegment s = x.segment();
        int len = (int) x.size();
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            float f = s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(what + " " + x.shapeString() + " has non-finite value " + f
                        + " at row " + i / x.dim(1) + ", column " + i % x.dim(1));
            }
            v[i] = f;
        }
        return v;
    }

    static void expect(Tensor t, String what, int... shape) {
        if (t == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException(what + " must be " + Arrays.toString(shape) + ", got " + t.shapeString());
        }
    }

    static void labels(int[] labels, int n, String what) {
        if (labels == null) {
            throw new IllegalArgumentException(what + ": labels are null");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(what + ": " + labels.length + " labels for " + n + " embeddings");
        }
    }

    static void write(double[] v, Tensor out) {
        MemorySegment s = out.segment();
        for (int i = 0; i < v.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v[i]);
        }
    }

    /** Returns per-row norms and replaces each row of {@code x} by {@code x / max(|x|, 1e-12)}. */
    static double[] normalize(double[] x, int n, int d) {
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += x[i * d + k] * x[i * d + k];
            }
            norms[i] = Math.sqrt(s);
            double r = Math.max(norms[i], NORM_EPS);
            for (int k = 0; k < d; k++) {
                x[i * d + k] /= r;
            }
        }
        return norms;
    }

    /** In place: gradient w.r.t. the normalized rows {@code y} becomes the gradient w.r.t. the raw rows. */
    static void normalizeBackward(double[] y, double[] norms, int n, int d, double[] g) {
        for (int i = 0; i < n; i++) {
            double r = Math.max(norms[i], NORM_EPS);
            double dot = 0;
            if (norms[i] >= NORM_EPS) {
                for (int k = 0; k < d; k++) {
                    dot += y[i * d + k] * g[i * d + k];
                }
            }
            for (int k = 0; k < d; k++) {
                g[i * d + k] = (g[i * d + k] - y[i * d + k] * dot) / r;
            }
        }
    }

    /** Collapse alarm: every off-diagonal distance is at most {@code threshold}. */
    static boolean collapsed(double[] dist, int n, double threshold) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && dist[i * n + j] > threshold) {
                    return false;
                }
            }
        }
        return true;
    }
}
