package dev.pixelflow.simd.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {
    private static final double EPS = 1e-12;

    private static ConfusionMatrix handCase(ConfusionMatrix.Builder b) {
        ConfusionMatrix m = b.build();
        try (Tensor p = Tensor.of(ConfusionMatrixTest.PREDICTED, 8); Tensor t = Tensor.of(ConfusionMatrixTest.TARGET, 8)) {
            m.add(p, t);
        }
        return m;
    }

    @Test
    void handComputedThreeClassCase() {
        // M = [[2,1,0],[0,2,1],[1,0,1]] (rows target, columns predicted)
        // class 0: TP 2, FP (2+0+1)-2 = 1, FN 3-2 = 1 -> IoU 2/4, Dice 4/6, P 2/3, R 2/3
        // class 1: TP 2, FP (1+2+0)-2 = 1, FN 3-2 = 1 -> IoU 2/4, Dice 4/6, P 2/3, R 2/3
        // class 2: TP 1, FP (0+1+1)-1 = 1, FN 2-1 = 1 -> IoU 1/3, Dice 2/4, P 1/2, R 1/2
        // weights [1,2,4]: (1*2 + 2*2 + 4*1) / (1*3 + 2*3 + 4*2) = 10/17
        SegmentationMetrics s = handCase(ConfusionMatrix.builder(3).classWeights(1, 2, 4)).metrics();
        assertArrayEquals(new double[] {0.5, 0.5, 1.0 / 3}, s.iou(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 0.5}, s.dice(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 0.5}, s.precision(), EPS);
        assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 0.5}, s.recall(), EPS);
        assertEquals((0.5 + 0.5 + 1.0 / 3) / 3, s.meanIoU(), EPS); // 4/9
        assertEquals((2.0 / 3 + 2.0 / 3 + 0.5) / 3, s.meanDice(), EPS); // 11/18
        assertEquals(5.0 / 8, s.pixelAccuracy(), EPS); // trace 2+2+1 over 8
        assertEquals((2.0 / 3 + 2.0 / 3 + 0.5) / 3, s.balancedAccuracy(), EPS);
        assertEquals(10.0 / 17, s.weightedAccuracy(), EPS);
        assertEquals(8, s.total());
        assertEquals(3, s.classes());
    }

    @Test
    void weightedAccuracyIsNaNWithoutWeightsAndPixelAccuracyWithUnitWeights() {
        assertTrue(Double.isNaN(handCase(ConfusionMatrix.builder(3)).metrics().weightedAccuracy()));
        assertEquals(5.0 / 8, handCase(ConfusionMatrix.builder(3).classWeights(1, 1, 1)).metrics().weightedAccuracy(), EPS);
    }

    @Test
    void smallObjectTrapPixelAccuracyHighObjectIoUZero() {
        // 10x10 image, one object pixel, the model predicts background everywhere (logit -1)
        float[] mask = new float[100];
        mask[55] = 1;
        float[] logits = new float[100];
        java.util.Arrays.fill(logits, -1f);
        ConfusionMatrix m = ConfusionMatrix.of(2);
        try (Tensor z = Tensor.of(logits, 1, 1, 10, 10); Tensor y = Tensor.of(mask, 1, 1, 10, 10)) {
            m.addBinaryLogits(z, y);
        }
        SegmentationMetrics s = m.metrics();
        assertEquals(0.99, s.pixelAccuracy(), EPS); // 99 of 100 pixels right
        assertEquals(0.0, s.iou()[1], EPS); // TP 0 / (0 + 0 + 1)
        assertEquals(0.99, s.iou()[0], EPS); // 99 / (99 + 1 + 0)
        assertEquals(0.495, s.meanIoU(), EPS);
        assertEquals(0.5, s.balancedAccuracy(), EPS); // recall 1 and 0
        assertTrue(Double.isNaN(s.precision()[1])); // class 1 never predicted: 0/0
        assertTrue(s.summary().startsWith("IoU[1]=0.0000"), s.summary());
        assertTrue(s.summary().indexOf("pixelAcc") > s.summary().indexOf("mIoU"), s.summary());
    }

    @Test
    void emptyClassPolicies() {
        // target [0,0,1,1], predicted [0,1,1,1], 3 classes: class 2 absent from both
        // class 0: TP 1, FP 0, FN 1 -> 1/2 ; class 1: TP 2, FP 1, FN 0 -> 2/3 ; class 2: 0/0 -> NaN
        ConfusionMatrix m = ConfusionMatrix.of(3);
        try (Tensor p = Tensor.of(new float[] {0, 1, 1, 1}, 4); Tensor t = Tensor.of(new float[] {0, 0, 1, 1}, 4)) {
            m.add(p, t);
        }
        assertTrue(Double.isNaN(m.metrics().iou()[2]));
        assertTrue(Double.isNaN(m.metrics().dice()[2]));
        assertEquals((0.5 + 2.0 / 3) / 2, m.metrics().meanIoU(), EPS); // SKIP (default): 7/12
        assertEquals((0.5 + 2.0 / 3 + 0) / 3, m.metrics(EmptyClassPolicy.ZERO).meanIoU(), EPS); // 7/18
        assertEquals((0.5 + 2.0 / 3 + 1) / 3, m.metrics(EmptyClassPolicy.ONE).meanIoU(), EPS); // 13/18
        assertEquals(EmptyClassPolicy.SKIP, m.metrics().policy());
        // balanced accuracy averages recall over classes present in target: (1/2 + 1) / 2
        assertEquals(0.75, m.metrics().balancedAccuracy(), EPS);
    }

    @Test
    void emptyMatrixIsAllNaN() {
        SegmentationMetrics s = ConfusionMatrix.of(2).metrics();
        assertTrue(Double.isNaN(s.meanIoU()));
        assertTrue(Double.isNaN(s.pixelAccuracy()));
        assertTrue(Double.isNaN(s.balancedAccuracy()));
        assertTrue(Double.isNaN(s.iou()[0]));
        assertEquals(1.0, ConfusionMatrix.of(2).metrics(EmptyClassPolicy.ONE).meanIoU(), EPS);
    }

    @Test
    void snapshotArraysAreCopies() {
        SegmentationMetrics s = handCase(ConfusionMatrix.builder(3)).metrics();
        s.iou()[0] = 42;
        assertEquals(0.5, s.iou()[0], EPS);
    }
}
