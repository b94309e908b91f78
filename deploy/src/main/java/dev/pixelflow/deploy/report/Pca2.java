package dev.pixelflow.deploy.report;

import java.util.Objects;

/**
 * Two-component PCA in double precision, for plotting embeddings.
 *
 * <p>Input is {@code n} rows of dimension {@code d}. The rows are centred on their mean, the covariance
 * {@code C = X^T X / n} (d x d) is formed, and the top eigenvector is found by power iteration; the second comes
 * from power iteration on the deflated matrix {@code C - l1 v1 v1^T}, re-orthogonalised against {@code v1} each
 * step. The start vector is the largest-norm column of the matrix (deterministic, and not orthogonal to the
 * dominant eigenvector unless that column is zero). Each component's sign is fixed so that its largest-magnitude
 * coordinate is positive. Degenerate inputs never give NaN: with zero variance along a component (n &lt; 2,
 * identical rows, rank 1 data) its variance is 0, its direction is a unit vector orthogonal to the previous one
 * (or zero when d == 1) and the projections on it are 0.
 */
public final class Pca2 {

    private static final int MAX_ITERATIONS = 1000;
    private static final double TOLERANCE = 1e-12;

    /**
     * The result.
     *
     * @param mean       the column means (length d)
     * @param components two rows of length d: the first and second principal directions, unit length (or zero)
     * @param variances  variance along each component, {@code variances[0] >= variances[1] >= 0}
     * @param projected  n rows of 2: each centred input row projected on the two components
     */
    public record Result(double[] mean, double[][] components, double[] variances, double[][] projected) {
    }

    private Pca2() {
    }

    /** PCA of {@code rows} (n x d, all rows the same length d &gt;= 1; n may be 0). */
    public static Result fit(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(rows[i], "row " + i);
            if (rows[i].length != d) {
                throw new IllegalArgumentException("all rows must have the same dimension: row 0 has " + d
                        + ", row " + i + " has " + rows[i].length);
            }
            x[i] = new double[d];
            for (int j = 0; j < d; j++) {
                double v = rows[i][j];
                x[i][j] = Double.isFinite(v) ? v : 0.0;
            }
        }
        return fit(x, d);
    }

    private static Result fit(double[][] x, int d) {
        int n = x.length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] = n == 0 ? 0 : mean[j] / n;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] -= mean[j];
            }
        }
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                if (ra == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    c[a][b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                c[a][b] = n == 0 ? 0 : c[a][b] / n;
                c[b][a] = c[a][b];
            }
        }
        double scale = 0;
        for (int a = 0; a < d; a++) {
            scale = Math.max(scale, Math.abs(c[a][a]));
        }
        double[] v1 = new double[d];
        double l1 = powerIteration(c, null, v1, scale);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                c[a][b] -= l1 * v1[a] * v1[b];
            }
        }
        double[] v2 = new double[d];
        double l2 = d < 2 ? 0 : powerIteration(c, v1, v2, scale);
        if (l2 > l1) {
            // Only possible through rounding when the two are equal; keep the documented order.
            l2 = l1;
        }
        double[][] projected = new double[n][2];
        for (int i = 0; i < n; i++) {
            projected[i][0] = l1 > 0 ? dot(x[i], v1) : 0;
            projected[i][1] = l2 > 0 ? dot(x[i], v2) : 0;
        }
        return new Result(mean, new double[][] {v1, v2}, new double[] {l1, l2}, projected);
    }

    /**
     * Top eigenpair of symmetric positive semi-definite {@code m}, orthogonal to {@code orth} when not null.
     * Writes the unit eigenvector into {@code v} and returns the eigenvalue (clamped at 0). When the matrix is
     * (numerically) zero, {@code v} is the first basis vector orthogonal to {@code orth}, and 0 is returned.
     */
    private static double powerIteration(double[][] m, double[] orth, double[] v, double scale) {
        int d = v.length;
        double threshold = Math.max(scale, Double.MIN_NORMAL) * 1e-12;
        // Start from the largest-norm column.
        int best = -1;
        double bestNorm = 0;
        for (int b = 0; b < d; b++) {
            double s = 0;
            for (int a = 0; a < d; a++) {
                s += m[a][b] * m[a][b];
            }
            if (s > bestNorm) {
                bestNorm = s;
                best = b;
            }
        }
        if (best < 0 || Math.sqrt(bestNorm) <= threshold) {
            fallbackDirection(orth, v);
            return 0;
        }
        for (int a = 0; a < d; a++) {
            v[a] = m[a][best];
        }
        orthogonalize(v, orth);
        if (normalize(v) == 0) {
            fallbackDirection(orth, v);
            return 0;
        }
        double[] w = new double[d];
        double lambda = 0;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            multiply(m, v, w);
            orthogonalize(w, orth);
            double norm = normalize(w);
            if (norm <= threshold) {
                fallbackDirection(orth, v);
                return 0;
            }
            double change = 0;
            for (int a = 0; a < d; a++) {
                change = Math.max(change, Math.abs(w[a] - v[a]));
            }
            System.arraycopy(w, 0, v, 0, d);
            lambda = norm;
            if (change < TOLERANCE) {
                break;
            }
        }
        // Rayleigh quotient: exact for the final v, whatever the iteration count.
        multiply(m, v, w);
        lambda = Math.max(0, dot(v, w));
        fixSign(v);
        return lambda <= threshold ? 0 : lambda;
    }

    private static void fallbackDirection(double[] orth, double[] v) {
        int d = v.length;
        java.util.Arrays.fill(v, 0);
        for (int k = 0; k < d; k++) {
            java.util.Arrays.fill(v, 0);
            v[k] = 1;
            orthogonalize(v, orth);
            if (normalize(v) > 1e-6) {
                fixSign(v);
                return;
            }
        }
        java.util.Arrays.fill(v, 0);
    }

    private static void multiply(double[][] m, double[] v, double[] out) {
        for (int a = 0; a < m.length; a++) {
            out[a] = dot(m[a], v);
        }
    }

    private static void orthogonalize(double[] v, double[] orth) {
        if (orth == null) {
            return;
        }
        double p = dot(v, orth);
        for (int a = 0; a < v.length; a++) {
            v[a] -= p * orth[a];
        }
    }

    /** Scales v to unit length in place and returns its former norm (leaves a zero vector alone). */
    private static double normalize(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm > 0) {
            for (int a = 0; a < v.length; a++) {
                v[a] /= norm;
            }
        }
        return norm;
    }

    private static void fixSign(double[] v) {
        int arg = 0;
        for (int a = 1; a < v.length; a++) {
            if (Math.abs(v[a]) > Math.abs(v[arg]) + 1e-12) {
                arg = a;
            }
        }
        if (v.length > 0 && v[arg] < 0) {
            for (int a = 0; a < v.length; a++) {
                v[a] = -v[a];
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
