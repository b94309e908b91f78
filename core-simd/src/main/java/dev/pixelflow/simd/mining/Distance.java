package dev.pixelflow.simd.mining;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.ValueLayout;

/**
 * Distance between embedding rows, always computed in difference form (never {@code |a|^2 + |b|^2 - 2 a.b},
 * which loses up to ~1e-2 to cancellation in float32). Accumulation is in double.
 *
 * <ul>
 *   <li>{@link #EUCLIDEAN}: {@code sqrt(sum_k (a_k - b_k)^2 + 1e-12)}; the 1e-12 keeps the gradient finite at
 *       {@code a = b} (where it is 0), so d(a, a) = 1e-6.</li>
 *   <li>{@link #SQUARED}: {@code sum_k (a_k - b_k)^2} (FaceNet; TF-Addons "squared-L2").</li>
 *   <li>{@link #COSINE}: {@code 1 - cos(a, b)} computed as {@code 0.5 |a/|a| - b/|b||^2}; a norm below
 *       {@value #NORM_EPS} is clamped to it (like {@code F.normalize}), so a zero row has distance 0.5|b^|^2.</li>
 * </ul>
 */
public enum Distance {
    EUCLIDEAN, SQUARED, COSINE;

    /** Added under the square root of {@link #EUCLIDEAN}. */
    public static final double SQRT_EPS = 1e-12;
    /** Smallest norm used by {@link #COSINE}. */
    public static final double NORM_EPS = 1e-12;

    /** Distance between row {@code ai} of {@code a} and row {@code bi} of {@code b}, both row-major with {@code d} columns. */
    double between(double[] a, int ai, double[] b, int bi, int d) {
        int oa = ai * d;
        int ob = bi * d;
        if (this == COSINE) {
            double na = Math.max(norm(a, oa, d), NORM_EPS);
            double nb = Math.max(norm(b, ob, d), NORM_EPS);
            double s = 0;
            for (int k = 0; k < d; k++) {
                double t = a[oa + k] / na - b[ob + k] / nb;
                s += t * t;
            }
            return 0.5 * s;
        }
        double s = 0;
        for (int k = 0; k < d; k++) {
            double t = a[oa + k] - b[ob + k];
            s += t * t;
        }
        return this == SQUARED ? s : Math.sqrt(s + SQRT_EPS);
    }

    /**
     * Adds {@code g * d dist / d a_row} to {@code ga} and {@code g * d dist / d b_row} to {@code gb}
     * ({@code dist} is the value returned by {@link #between}).
     */
    void accumulate(double[] a, int ai, double[] b, int bi, int d, double dist, double g, double[] ga, double[] gb) {
        if (g == 0) {
            return;
        }
        int oa = ai * d;
        int ob = bi * d;
        switch (this) {
            case SQUARED -> {
                for (int k = 0; k < d; k++) {
                    double t = 2 * g * (a[oa + k] - b[ob + k]);
                    ga[oa + k] += t;
                    gb[ob + k] -= t;
                }
            }
            case EUCLIDEAN -> {
                double f = g / dist;
                for (int k = 0; k < d; k++) {
                    double t = f * (a[oa + k] - b[ob + k]);
                    ga[oa + k] += t;
                    gb[ob + k] -= t;
                }
            }
            case COSINE -> {
                double ra = norm(a, oa, d);
                double rb = norm(b, ob, d);
                double na = Math.max(ra, NORM_EPS);
                double nb = Math.max(rb, NORM_EPS);
                // u = a/na, v = b/nb, dist = 0.5|u - v|^2, dL/du = g (u - v), dL/dv = g (v - u)
                double uu = 0;
                double uv = 0;
                double vv = 0;
                for (int k = 0; k < d; k++) {
                    double u = a[oa + k] / na;
                    double v = b[ob + k] / nb;
                    uu += u * u;
                    uv += u * v;
                    vv += v * v;
                }
                boolean clampA = ra < NORM_EPS;
                boolean clampB = rb < NORM_EPS;
                // projection (I - u u^T) applied to (u - v): (u - v) - u (uu - uv)
                for (int k = 0; k < d; k++) {
                    double u = a[oa + k] / na;
                    double v = b[ob + k] / nb;
                    double gu = g * (u - v);
                    double gv = g * (v - u);
                    ga[oa + k] += clampA ? gu / na : (gu - g * u * (uu - uv)) / na;
                    gb[ob + k] += clampB ? gv / nb : (gv - g * v * (vv - uv)) / nb;
                }
            }
        }
    }

    private static double norm(double[] x, int o, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += x[o + k] * x[o + k];
        }
        return Math.sqrt(s);
    }

    /** Full [n, n] matrix of distances between the rows of {@code x} (row-major [n, d]). */
    double[] matrix(double[] x, int n, int d) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = between(x, i, x, j, d);
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        return m;
    }

    /** Back-propagates a [n, n] gradient over the distance matrix to the rows of {@code x}. */
    void backward(double[] x, int n, int d, double[] dist, double[] gradDist, double[] gx) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double g = gradDist[i * n + j];
                if (g != 0 && i != j) {
                    accumulate(x, i, x, j, d, dist[i * n + j], g, gx, gx);
                }
            }
        }
    }

    /**
     * Pairwise distances between the rows of embeddings {@code x} [N, D] into {@code out} [N, N].
     *
     * @throws IllegalArgumentException on wrong shapes or non-finite input
     */
    public void pairwise(Tensor x, Tensor out) {
        double[] v = Embeddings.read(x, "Distance.pairwise x");
        int n = x.dim(0);
        Embeddings.expect(out, "Distance.pairwise out", n, n);
        Embeddings.write(matrix(v, n, x.dim(1)), out);
    }

    /**
     * Gradient of {@code sum_ij gradDistances[i, j] * dist(x_i, x_j)} w.r.t. {@code x} [N, D], written into
     * {@code gradX} [N, D]. Diagonal entries are ignored (the distance of a row to itself is constant).
     */
    public void backward(Tensor x, Tensor gradDistances, Tensor gradX) {
        double[] v = Embeddings.read(x, "Distance.backward x");
        int n = x.dim(0);
        int d = x.dim(1);
        Embeddings.expect(gradDistances, "Distance.backward gradDistances", n, n);
        Embeddings.expect(gradX, "Distance.backward gradX", n, d);
        double[] g = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            g[i] = gradDistances.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        double[] gx = new double[n * d];
        backward(v, n, d, matrix(v, n, d), g, gx);
        Embeddings.write(gx, gradX);
    }
}
