package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.CenterLoss;
import dev.pixelflow.simd.mining.BatchHardTripletLoss;
import dev.pixelflow.simd.mining.MiningStatistics;
import dev.pixelflow.simd.mining.SemiHardTripletLoss;
import dev.pixelflow.simd.mining.TripletLossResult;
import org.junit.jupiter.api.Test;

/** User guide, question 4 (docs/04-triplet-loss-and-mining.md): triplet loss and online mining in a batch. */
class Q4TripletMiningTest {
    // one batch of 6 embeddings [N, D] = [6, 1] (1-D so the distances are easy to read), 2 identities
    static final float[] X = {0.0f, 0.3f, 0.9f, 0.5f, 1.5f, 2.0f};
    static final int[] LABELS = {0, 0, 0, 1, 1, 1};

    @Test
    void batchHardTakesTheFarthestPositiveAndTheNearestNegative() {
        var loss = BatchHardTripletLoss.builder().margin(0.2).build();   // euclidean distance
        try (Tensor x = Tensor.of(X, 6, 1); Tensor grad = Tensor.zeros(6, 1)) {
            TripletLossResult r = loss.forward(x, LABELS, grad);
            // anchor 0 (at 0.0): positives at 0.3 and 0.9 -> the farthest is #2; negatives at 0.5, 1.5, 2.0 -> #3
            assertEquals(2, r.positives()[0]);
            assertEquals(3, r.negatives()[0]);
            // loss = mean over anchors of max(d_ap - d_an + margin, 0); anchor 0: 0.9 - 0.5 + 0.2 = 0.6
            assertEquals(reference(true, 0.2), r.loss(), 1e-5);

            MiningStatistics s = r.statistics();
            assertEquals(6, s.validAnchors());              // every anchor has a positive and a negative
            assertEquals(1.5, s.hardestPositiveDistance(), 1e-5);   // anchor 0.5, positive 2.0
            assertEquals(0.2, s.hardestNegativeDistance(), 1e-5);   // anchor 0.3, negative 0.5
            assertFalse(s.collapsed());
            assertTrue(grad.getFlat(0) != 0f);               // the batch's gradient reaches the network
        }
    }

    @Test
    void semiHardTakesTheNearestNegativeFartherThanThePositive() {
        var loss = SemiHardTripletLoss.builder().margin(0.3).build();
        try (Tensor x = Tensor.of(X, 6, 1)) {
            TripletLossResult r = loss.forward(x, LABELS, null);
            // pair (0, 2): d_ap = 0.9. The negative at 0.5 is nearer than the positive (hard, not semi-hard);
            // semi-hard takes the negative at 1.5: max(0.9 - 1.5 + 0.3, 0) = 0
            assertEquals(reference(false, 0.3), r.loss(), 1e-5);
            assertEquals(12, r.statistics().triplets());     // all 12 anchor-positive pairs are used
        }
    }

    @Test
    void aCollapsedBatchRaisesTheAlarm() {
        try (Tensor x = Tensor.zeros(6, 1).fill(0.7f)) {      // every embedding equal
            MiningStatistics s = BatchHardTripletLoss.builder().build().forward(x, LABELS, null).statistics();
            assertTrue(s.collapsed());
            assertEquals(1.0, s.activeFraction());           // every triplet violates the margin
        }
    }

    @Test
    void centerLossPullsEmbeddingsToTheirClassCentre() {
        var center = CenterLoss.builder().numClasses(2).dim(1).build();   // centres start at 0
        try (Tensor x = Tensor.of(X, 6, 1)) {
            double expected = 0;
            for (float v : X) {
                expected += 0.5 * v * v;                     // L_C = 1/2 sum ||x_i - c_{y_i}||^2
            }
            assertEquals(expected, center.forward(x, LABELS), 1e-5);
            center.updateCenters(x, LABELS);                // c_j -= alpha * sum(c_j - x_i) / (1 + n_j)
            assertEquals(0.5 * (0.0 + 0.3 + 0.9) / 4, center.center(0, 0), 1e-6);
        }
    }

    /** The definitions, written out: batch-hard (per anchor) or semi-hard (per anchor-positive pair). */
    private static double reference(boolean batchHard, double margin) {
        double sum = 0;
        int count = 0;
        for (int a = 0; a < X.length; a++) {
            double hardestPositive = 0;
            for (int p = 0; p < X.length; p++) {
                if (p == a || LABELS[p] != LABELS[a]) {
                    continue;
                }
                double dap = Math.abs(X[a] - X[p]);
                hardestPositive = Math.max(hardestPositive, dap);
                if (!batchHard) {
                    double semiHard = Double.POSITIVE_INFINITY;
                    double farthest = 0;
                    for (int n = 0; n < X.length; n++) {
                        if (LABELS[n] != LABELS[a]) {
                            double dan = Math.abs(X[a] - X[n]);
                            farthest = Math.max(farthest, dan);
                            if (dan > dap) {
                                semiHard = Math.min(semiHard, dan);
                            }
                        }
                    }
                    double dan = semiHard == Double.POSITIVE_INFINITY ? farthest : semiHard;
                    sum += Math.max(dap - dan + margin, 0);
                    count++;
                }
            }
            if (batchHard) {
                double nearestNegative = Double.POSITIVE_INFINITY;
                for (int n = 0; n < X.length; n++) {
                    if (LABELS[n] != LABELS[a]) {
                        nearestNegative = Math.min(nearestNegative, Math.abs(X[a] - X[n]));
                    }
                }
                sum += Math.max(hardestPositive - nearestNegative + margin, 0);
                count++;
            }
        }
        return sum / count;
    }
}
