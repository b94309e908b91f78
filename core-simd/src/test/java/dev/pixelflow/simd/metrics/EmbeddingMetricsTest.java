package dev.pixelflow.simd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingMetricsTest {

    // 1-D embeddings x = [0, 6, 10, 11, 5], identities [0, 0, 1, 1, 2]; sample 4 is alone -> excluded
    private static final float[] X = {0, 6, 10, 11, 5};
    private static final int[] IDS = {0, 0, 1, 1, 2};

    @Test
    void recallAtKByHand() {
        // query 0: others by distance 4(5), 1(6), 2(10), 3(11) -> same identity (1) at rank 2
        // query 1: 4(1), 2(4), 3(5), 0(6) -> rank 4
        // query 2: 3(1) -> rank 1 ; query 3: 2(1) -> rank 1
        try (Tensor e = Tensor.of(X, 5, 1)) {
            double[] expected = {Double.NaN, 2.0 / 4, 3.0 / 4, 3.0 / 4, 1.0};
            for (int k = 1; k <= 4; k++) {
                EmbeddingMetrics.RecallAtK r = EmbeddingMetrics.recallAtK(e, IDS, k);
                assertEquals(expected[k], r.recall(), 1e-12, "k=" + k);
                assertEquals(4, r.queries());
                assertEquals(1, r.excluded());
            }
        }
    }

    @Test
    void verificationByHand() {
        // pairs sorted by distance: 1 s(2,3), 1 d(1,4), 4 d, 5 d, 5 d, 5 d, 6 s(0,1), 6 d, 10 d, 11 d
        // accept none: 8/10 ; <= 1: 8/10 ; <= 4: 7/10 ; <= 5: 4/10 ; <= 6: 4/10 ... -> best 0.8, below 1
        try (Tensor e = Tensor.of(X, 5, 1)) {
            EmbeddingMetrics.Verification v = EmbeddingMetrics.verification(e, IDS);
            assertEquals(0.8, v.accuracy(), 1e-12);
            assertEquals(Math.nextDown(1.0), v.threshold());
            assertEquals(10, v.pairs());
            assertEquals(2, v.samePairs());
        }
        // x = [0, 1, 5, 6], ids [0, 0, 1, 1]: same pairs at distance 1, different at 4, 5, 5, 6 -> 6/6 at 1
        try (Tensor e = Tensor.of(new float[] {0, 1, 5, 6}, 4, 1)) {
            EmbeddingMetrics.Verification v = EmbeddingMetrics.verification(e, new int[] {0, 0, 1, 1});
            assertEquals(1.0, v.accuracy(), 1e-12);
            assertEquals(1.0, v.threshold(), 1e-6);
        }
    }

    @Test
    void randomCaseMatchesDoublePrecisionBruteForce() {
        Random r = new Random(2026);
        int n = 40;
        int d = 8;
        float[] x = new float[n * d];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(12);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + 0.8 * ids[i] % 3); // identities cluster a little
            }
        }
        double[][] dist = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = (double) x[i * d + c] - x[j * d + c];
                    s += diff * diff;
                }
                dist[i][j] = Math.sqrt(s);
            }
        }
        try (Tensor e = Tensor.of(x, n, d)) {
            for (int k : new int[] {1, 3, 10}) {
                EmbeddingMetrics.RecallAtK got = EmbeddingMetrics.recallAtK(e, ids, k);
                assertEquals(bruteRecall(dist, ids, k), got.recall(), 1e-12, "k=" + k);
            }
            EmbeddingMetrics.Verification v = EmbeddingMetrics.verification(e, ids);
            double[] best = bruteVerification(dist, ids);
            assertEquals(best[0], v.accuracy(), 1e-12);
            assertEquals(best[1], v.threshold(), 1e-4);
        }
    }

    @Test
    void badInputs() {
        try (Tensor e = Tensor.of(new float[] {0, 1, Float.NaN, 2}, 2, 2)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> EmbeddingMetrics.recallAtK(e, new int[] {0, 0}, 1));
            assertTrue(ex.getMessage().contains("[1, 0]"), ex.getMessage());
        }
        try (Tensor e = Tensor.zeros(3, 2)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> EmbeddingMetrics.verification(e, new int[] {0, 0}));
            assertTrue(ex.getMessage().contains("[3, 2]"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> EmbeddingMetrics.recallAtK(e, new int[] {0, 0, 1}, 0));
        }
        try (Tensor e = Tensor.zeros(3)) {
            assertThrows(IllegalArgumentException.class, () -> EmbeddingMetrics.recallAtK(e, new int[] {0, 0, 1}, 1));
        }
    }

    private static double bruteRecall(double[][] dist, int[] ids, int k) {
        int n = ids.length;
        int hits = 0;
        int queries = 0;
        for (int i = 0; i < n; i++) {
            final int q = i;
            Integer[] others = new Integer[n - 1];
            int m = 0;
            boolean hasMate = false;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others[m++] = j;
                    hasMate |= ids[j] == ids[i];
                }
            }
            if (!hasMate) {
                continue;
            }
            queries++;
            Arrays.sort(others, Comparator.<Integer>comparingDouble(j -> dist[q][j]).thenComparingInt(j -> j));
            for (int r = 0; r < Math.min(k, others.length); r++) {
                if (ids[others[r]] == ids[i]) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / queries;
    }

    /** {accuracy, threshold}: tries "accept nothing" and every pair distance as threshold, keeps the first best. */
    private static double[] bruteVerification(double[][] dist, int[] ids) {
        int n = ids.length;
        double[] candidates = new double[n * (n - 1) / 2];
        int p = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                candidates[p++] = dist[i][j];
                min = Math.min(min, dist[i][j]);
            }
        }
        Arrays.sort(candidates);
        double bestAcc = -1;
        double bestT = Double.NaN;
        double[] all = new double[candidates.length + 1];
        all[0] = Math.nextDown(min);
        System.arraycopy(candidates, 0, all, 1, candidates.length);
        for (double t : all) {
            int correct = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    correct += (dist[i][j] <= t) == (ids[i] == ids[j]) ? 1 : 0;
                }
            }
            double acc = (double) correct / candidates.length;
            if (acc > bestAcc) {
                bestAcc = acc;
                bestT = t;
            }
        }
        return new double[] {bestAcc, bestT};
    }
}
