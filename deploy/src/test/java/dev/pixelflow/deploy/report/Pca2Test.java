package dev.pixelflow.deploy.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Pca2Test {

    /** Points spread mostly along a known unit axis a, less along b (orthogonal), little elsewhere. */
    @Test
    void recoversKnownAxesInVarianceOrder() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int d = 7;
            int n = 500;
            double[] a = unit(rnd, d);
            double[] b = unit(rnd, d);
            double p = dot(a, b);
            for (int j = 0; j < d; j++) {
                b[j] -= p * a[j];
            }
            normalize(b);
            float[][] rows = new float[n][d];
            for (int i = 0; i < n; i++) {
                double s = 5 * rnd.nextGaussian();
                double t = 2 * rnd.nextGaussian();
                for (int j = 0; j < d; j++) {
                    rows[i][j] = (float) (3 + s * a[j] + t * b[j] + 0.05 * rnd.nextGaussian());
                }
            }
            Pca2.Result r = Pca2.fit(rows);
            assertEquals(1.0, Math.abs(dot(r.components()[0], a)), 1e-3, "first axis, seed " + seed);
            assertEquals(1.0, Math.abs(dot(r.components()[1], b)), 1e-3, "second axis, seed " + seed);
            assertEquals(0.0, dot(r.components()[0], r.components()[1]), 1e-9);
            assertTrue(r.variances()[0] > r.variances()[1] && r.variances()[1] > 0);
            assertEquals(25, r.variances()[0], 25 * 0.2);
            assertEquals(4, r.variances()[1], 4 * 0.2);
            assertEquals(3, r.mean()[0], 0.5);
            assertEquals(n, r.projected().length);
            // Projections are centred: their mean is zero and their variance is the component variance.
            double m = 0;
            double v = 0;
            for (double[] q : r.projected()) {
                m += q[0];
                v += q[0] * q[0];
            }
            assertEquals(0, m / n, 1e-6);
            assertEquals(r.variances()[0], v / n, 1e-6 * r.variances()[0]);
        }
    }

    @Test
    void isDeterministic() {
        SplittableRandom rnd = new SplittableRandom(9);
        float[][] rows = new float[50][4];
        for (float[] row : rows) {
            for (int j = 0; j < 4; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
        }
        Pca2.Result a = Pca2.fit(rows);
        Pca2.Result b = Pca2.fit(rows);
        assertArrayEquals(a.components()[0], b.components()[0]);
        assertArrayEquals(a.components()[1], b.components()[1]);
        assertArrayEquals(a.projected()[7], b.projected()[7]);
    }

    @Test
    void degenerateInputsGiveNoNaN() {
        float[][][] cases = {
                {},
                {{1f, 2f, 3f}},
                {{1f, 2f, 3f}, {1f, 2f, 3f}, {1f, 2f, 3f}},
                {{0f, 0f}, {2f, 2f}},
                {{1f}, {2f}, {4f}},
                {{0f, 0f, 0f}, {1f, 2f, 3f}, {2f, 4f, 6f}},
                {{Float.NaN, 1f}, {2f, Float.POSITIVE_INFINITY}},
        };
        for (float[][] rows : cases) {
            Pca2.Result r = Pca2.fit(rows);
            assertEquals(rows.length, r.projected().length);
            for (double[] c : r.components()) {
                for (double x : c) {
                    assertTrue(Double.isFinite(x));
                }
            }
            for (double x : r.variances()) {
                assertTrue(Double.isFinite(x) && x >= 0);
            }
            for (double[] q : r.projected()) {
                assertTrue(Double.isFinite(q[0]) && Double.isFinite(q[1]));
            }
            assertTrue(r.variances()[0] >= r.variances()[1]);
        }
        // Identical rows: no variance, all projections zero.
        Pca2.Result same = Pca2.fit(cases[2]);
        assertEquals(0, same.variances()[0]);
        assertEquals(0, same.projected()[1][0]);
        // Rank 1 (points on a line): the line is the first axis, nothing left for the second.
        Pca2.Result line = Pca2.fit(cases[5]);
        assertEquals(1.0, Math.abs(line.components()[0][0] * 1 + line.components()[0][1] * 2
                + line.components()[0][2] * 3) / Math.sqrt(14), 1e-9);
        assertEquals(0, line.variances()[1], 1e-12);
        // One dimension: the second component does not exist.
        Pca2.Result oneDim = Pca2.fit(cases[4]);
        assertEquals(0, oneDim.variances()[1]);
        assertEquals(1.0, oneDim.components()[0][0]);
    }

    @Test
    void rejectsRaggedRows() {
        assertThrows(IllegalArgumentException.class, () -> Pca2.fit(new float[][] {{1f, 2f}, {3f}}));
    }

    private static double[] unit(SplittableRandom rnd, int d) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = rnd.nextGaussian();
        }
        normalize(v);
        return v;
    }

    private static void normalize(double[] v) {
        double n = Math.sqrt(dot(v, v));
        for (int j = 0; j < v.length; j++) {
            v[j] /= n;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}
