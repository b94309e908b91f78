package dev.pixelflow.simd.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.ClassWeightEstimator;
import dev.pixelflow.simd.loss.ClassWeightRule;
import dev.pixelflow.simd.loss.ClassWeights;
import dev.pixelflow.simd.loss.InfogainLoss;
import dev.pixelflow.simd.loss.Reduction;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.metrics.ConfusionMatrix;
import dev.pixelflow.simd.metrics.SegmentationMetrics;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** User guide, question 5 (docs/05-small-objects-and-class-imbalance.md): tiny objects on large images. */
class Q5SmallObjectsTest {

    /** A [1, 1, 100, 100] label mask: background 0 with one 10x10 object of class 1 (1% of the pixels). */
    static Tensor smallObjectMask() {
        Tensor mask = Tensor.zeros(1, 1, 100, 100);
        for (int i = 40; i < 50; i++) {
            for (int j = 60; j < 70; j++) {
                mask.set(1f, 0, 0, i, j);
            }
        }
        return mask;
    }

    @Test
    void classWeightsFromPixelFrequencies() {
        try (Tensor mask = smallObjectMask()) {
            ClassWeightEstimator counts = ClassWeightEstimator.cumulative(2).add(mask);  // call once per batch
            // 9900 background pixels, 100 object pixels
            ClassWeights inverse = counts.weights(ClassWeightRule.INVERSE);           // N / (C * n_c)
            assertEquals(10000.0 / (2 * 9900), inverse.weight(0), 1e-6);              // 0.505
            assertEquals(50.0, inverse.weight(1), 1e-4);                              // 10000 / 200
            ClassWeights median = counts.weights(ClassWeightRule.MEDIAN_FREQUENCY);   // median_f / f_c
            assertEquals(50.0, median.weight(1), 1e-4);                               // 0.5 / 0.01
            ClassWeights quotient = counts.weights(ClassWeightRule.OBJECT_QUOTIENT);  // n_0 / n_1
            assertEquals(1.0, quotient.weight(0), 0);
            assertEquals(99.0, quotient.weight(1), 1e-4);

            // binary FCN (one logit per pixel): the object weight becomes BCE's pos_weight
            var bce = BinaryCrossEntropy.builder().posWeight(new float[] {quotient.weight(1)}).build();
            try (Tensor logits = Tensor.zeros(1, 1, 100, 100)) {
                // at logit 0 every pixel costs log 2; object pixels cost 99x: (9900 + 99 * 100) / 10000 * log 2
                assertEquals(1.98 * Math.log(2), bce.forward(logits, mask), 1e-5);
            }
        }
    }

    @Test
    void infogainWithADiagonalMatrixIsWeightedCrossEntropy() {
        float[] w = {0.505f, 50f};
        try (Tensor mask = smallObjectMask(); Tensor labels = mask.reshape(1, 100, 100);
             Tensor logits = Tensor.zeros(1, 2, 100, 100);
             // H is [L, L], row = true class, column = predicted class; diagonal H = per-class weights
             Tensor diagonal = Tensor.of(new float[] {w[0], 0, 0, w[1]}, 2, 2)) {
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < logits.size(); i++) {
                logits.setFlat(i, (float) r.nextDouble(-2, 2));
            }
            double infogain = InfogainLoss.builder(diagonal).build().value(logits, labels);   // / counted pixels
            double weightedSum = SoftmaxCrossEntropy.builder().weights(w).reduction(Reduction.SUM).build()
                    .value(logits, labels);
            assertEquals(weightedSum / 10000, infogain, 1e-5 * infogain);
        }
    }

    @Test
    void accuracyHidesTheMissedObjectIouDoesNot() {
        try (Tensor target = smallObjectMask(); Tensor allBackground = Tensor.zeros(1, 1, 100, 100)) {
            ConfusionMatrix cm = ConfusionMatrix.builder(2).classWeights(0.505, 50).build();
            SegmentationMetrics m = cm.add(allBackground, target).metrics();
            assertEquals(0.99, m.pixelAccuracy(), 1e-12);     // looks excellent
            assertEquals(0.0, m.iou()[1]);                    // the object is never found
            assertEquals(0.0, m.recall()[1]);
            assertEquals(0.5, m.balancedAccuracy(), 1e-12);   // mean per-class recall
            assertEquals(0.5, m.weightedAccuracy(), 1e-3);    // sum w[y] [pred = y] / sum w[y]
        }
    }
}
