package dev.pixelflow.simd.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.metrics.TripletStatistics.Distance;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TripletStatisticsTest {

    @Test
    void handComputedTriplets() {
        // x = [0, 1, 3], ids [0, 0, 1]: triplets (a=0, p=1, n=2) and (a=1, p=0, n=2)
        try (Tensor e = Tensor.of(new float[] {0, 1, 3}, 3, 1)) {
            // euclidean, margin 1.5: 1 - 3 + 1.5 = -0.5 (inactive), 1 - 2 + 1.5 = 0.5 (active)
            TripletStatistics t = TripletStatistics.of(e, new int[] {0, 0, 1}, 1.5, Distance.EUCLIDEAN);
            assertEquals(2, t.triplets());
            assertEquals(1, t.active());
            assertEquals(0.5, t.activeFraction(), 1e-12);
            // euclidean, margin 1: the second loss is ~2.5e-13 (from the 1e-12 inside sqrt), below 1e-5
            assertEquals(0, TripletStatistics.of(e, new int[] {0, 0, 1}, 1.0, Distance.EUCLIDEAN).active());
            // squared, margin 4: 1 - 9 + 4 = -4, 1 - 4 + 4 = 1 -> 1 of 2
            assertEquals(0.5, TripletStatistics.of(e, new int[] {0, 0, 1}, 4, Distance.SQUARED).activeFraction(), 1e-12);
            // no negatives -> no triplet -> NaN
            assertTrue(Double.isNaN(TripletStatistics.of(e, new int[] {0, 0, 0}, 1, Distance.SQUARED).activeFraction()));
            assertThrows(IllegalArgumentException.class,
                    () -> TripletStatistics.of(e, new int[] {0, 0, 1}, Double.NaN, Distance.SQUARED));
        }
    }

    @Test
    void randomCaseMatchesDoublePrecisionBruteForce() {
        Random r = new Random(99);
        int n = 24;
        int d = 4;
        float[] x = new float[n * d];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(5);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) r.nextGaussian();
            }
        }
        long active = 0;
        long triplets = 0;
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    if (p != a && ids[p] == ids[a] && ids[q] != ids[a]) {
                        triplets++;
                        double loss = Math.sqrt(sq(x, d, a, p) + 1e-12) - Math.sqrt(sq(x, d, a, q) + 1e-12) + 0.5;
                        active += loss > 1e-5 ? 1 : 0;
                    }
                }
            }
        }
        try (Tensor e = Tensor.of(x, n, d)) {
            TripletStatistics t = TripletStatistics.of(e, ids, 0.5, Distance.EUCLIDEAN);
            assertEquals(triplets, t.triplets());
            assertEquals(active, t.active());
        }
    }

    private static double sq(float[] x, int d, int i, int j) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double diff = (double) x[i * d + c] - x[j * d + c];
            s += diff * diff;
        }
        return s;
    }
}
