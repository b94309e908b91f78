package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Online counting: modes, ignore label, merge, reset and bad input. */
class ClassWeightEstimatorTest {
    private static final float EPS = 1e-6f;

    /** A [1,1,rows,cols] mask whose first {@code ones} elements are 1, the rest 0. */
    private static Tensor binaryMask(int rows, int cols, int ones) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < ones; i++) {
            v[i] = 1f;
        }
        return Tensor.of(v, 1, 1, rows, cols);
    }

    private static Tensor randomMask(Random rnd, int classes, int ignore, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(10) == 0 ? ignore : rnd.nextInt(classes);
        }
        return Tensor.of(v, shape);
    }

    @Test
    void onePercentForegroundGivesObjectQuotient99() {
        // 100x100 mask, 100 object pixels: 9900 / 100 = 99 (below the default cap 100).
        ClassWeightEstimator est = ClassWeightEstimator.cumulative(2);
        try (Tensor m = binaryMask(100, 100, 100)) {
            est.add(m);
        }
        ClassWeights w = est.weights(ClassWeightRule.OBJECT_QUOTIENT);
        assertArrayEquals(new float[] {1f, 99f}, w.weights(), 0f);
        assertArrayEquals(new long[] {9900, 100}, est.totalCounts());
        assertArrayEquals(new double[] {9900, 100}, w.counts());
        // The same with a lower cap is bounded.
        assertEquals(50f, est.weights(ClassWeightRule.OBJECT_QUOTIENT, 50f).weight(1));
    }

    @Test
    void countsMatchNaiveCountAndIgnoreLabelIsSkipped() {
        Random rnd = new Random(7);
        ClassWeightEstimator est = ClassWeightEstimator.builder(5).ignoreLabel(255).build();
        try (Tensor m = randomMask(rnd, 5, 255, 2, 1, 16, 16)) {
            long[] expected = new long[5];
            for (float v : m.toArray()) {
                if (v != 255f) {
                    expected[(int) v]++;
                }
            }
            est.add(m);
            assertArrayEquals(expected, est.totalCounts());
            long counted = 0;
            for (long c : expected) {
                counted += c;
            }
            assertTrue(counted < 512, "some pixels were ignored");
        }
        // Hand example with ignore label -100: mask [0, -100, 1, 1, -100, 2] -> n = [1, 2, 1].
        ClassWeightEstimator neg = ClassWeightEstimator.builder(3).ignoreLabel(-100).build();
        try (Tensor m = Tensor.of(new float[] {0, -100, 1, 1, -100, 2}, 6)) {
            neg.add(m);
        }
        assertArrayEquals(new long[] {1, 2, 1}, neg.totalCounts());
        // INVERSE: N = 4, C = 3: [4/3, 4/6, 4/3] (ignored pixels are not in N).
        assertArrayEquals(new float[] {1.3333334f, 0.6666667f, 1.3333334f},
                neg.weights(ClassWeightRule.INVERSE).weights(), EPS);
    }

    @Test
    void cumulativeOverSplitStreamEqualsWholeStreamAndMergeAgrees() {
        Random rnd = new Random(11);
        try (Tensor m = randomMask(rnd, 4, 255, 6, 1, 8, 8)) {
            ClassWeightEstimator whole = ClassWeightEstimator.builder(4).ignoreLabel(255).build().add(m);
            ClassWeightEstimator split = ClassWeightEstimator.builder(4).ignoreLabel(255).build();
            split.add(m.slice(0, 1)).add(m.slice(1, 4)).add(m.slice(4, 6));
            assertArrayEquals(whole.totalCounts(), split.totalCounts());
            for (ClassWeightRule rule : new ClassWeightRule[] {ClassWeightRule.INVERSE, ClassWeightRule.MEDIAN_FREQUENCY}) {
                assertEquals(whole.weights(rule), split.weights(rule));
            }
            ClassWeightEstimator a = ClassWeightEstimator.builder(4).ignoreLabel(255).build().add(m.slice(0, 2));
            ClassWeightEstimator b = ClassWeightEstimator.builder(4).ignoreLabel(255).build().add(m.slice(2, 6));
            a.merge(b);
            assertArrayEquals(whole.totalCounts(), a.totalCounts());
            assertEquals(whole.weights(ClassWeightRule.INVERSE), a.weights(ClassWeightRule.INVERSE));
            assertEquals(2, a.maskCount());
        }
    }

    @Test
    void mergeRejectsMismatchedEstimators() {
        ClassWeightEstimator a = ClassWeightEstimator.cumulative(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.merge(ClassWeightEstimator.cumulative(4)));
        assertTrue(e.getMessage().contains("classes=4") && e.getMessage().contains("classes=3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.merge(ClassWeightEstimator.builder(3).decay(0.9).build()));
        assertThrows(IllegalArgumentException.class,
                () -> a.merge(ClassWeightEstimator.builder(3).ignoreLabel(255).build()));
    }

    @Test
    void decayScalesOldCountsBeforeEachAdd() {
        // decay 0.5: add [0,0,0,0] -> n = [4, 0]; add [1,1] -> n = [4*0.5 + 0, 0*0.5 + 2] = [2, 2].
        ClassWeightEstimator est = ClassWeightEstimator.builder(2).decay(0.5).build();
        try (Tensor a = Tensor.of(new float[] {0, 0, 0, 0}, 4); Tensor b = Tensor.of(new float[] {1, 1}, 2)) {
            est.add(a);
            assertArrayEquals(new double[] {4, 0}, est.counts());
            est.add(b);
            assertArrayEquals(new double[] {2, 2}, est.counts());
            assertArrayEquals(new long[] {4, 2}, est.totalCounts()); // exact totals are never decayed
            assertArrayEquals(new float[] {1f, 1f}, est.weights(ClassWeightRule.OBJECT_QUOTIENT).weights(), 0f);
        }
    }

    @Test
    void decayedWeightsConvergeToANewDistribution() {
        ClassWeightEstimator est = ClassWeightEstimator.builder(2).decay(0.9).build();
        try (Tensor old = binaryMask(10, 10, 10); Tensor now = binaryMask(10, 10, 50)) {
            for (int i = 0; i < 100; i++) {
                est.add(old);
            }
            // Stationary stream of 90/10 masks: INVERSE = [100/(2*90), 100/(2*10)] = [0.5555556, 5].
            assertArrayEquals(new float[] {0.5555556f, 5f}, est.weights(ClassWeightRule.INVERSE).weights(), 1e-5f);
            for (int i = 0; i < 300; i++) {
                est.add(now);
            }
            // The old masks now weigh 0.9^300 ~ 2e-14: the weights are those of 50/50 masks, [1, 1].
            assertArrayEquals(new float[] {1f, 1f}, est.weights(ClassWeightRule.INVERSE).weights(), 1e-6f);
            // A cumulative estimator over the same stream still remembers: n = [9000+15000, 1000+15000].
            ClassWeightEstimator cum = ClassWeightEstimator.cumulative(2);
            cum.merge(ClassWeightEstimator.cumulative(2)); // merging an empty one changes nothing
            for (int i = 0; i < 100; i++) {
                cum.add(old);
            }
            for (int i = 0; i < 300; i++) {
                cum.add(now);
            }
            assertArrayEquals(new long[] {24000, 16000}, cum.totalCounts());
        }
    }

    @Test
    void resetForgetsEverything() {
        ClassWeightEstimator est = ClassWeightEstimator.builder(2).decay(0.8).build();
        try (Tensor m = binaryMask(2, 2, 1)) {
            est.add(m);
        }
        est.reset();
        assertArrayEquals(new double[] {0, 0}, est.counts());
        assertArrayEquals(new long[] {0, 0}, est.totalCounts());
        assertEquals(0, est.maskCount());
        assertThrows(IllegalStateException.class, () -> est.weights(ClassWeightRule.INVERSE));
    }

    @Test
    void badLabelsNameValueAndPositionAndLeaveCountsUnchanged() {
        ClassWeightEstimator est = ClassWeightEstimator.builder(3).ignoreLabel(255).build();
        float[] v = new float[2 * 1 * 2 * 3];
        try (Tensor good = Tensor.of(v, 2, 1, 2, 3)) {
            est.add(good);
        }
        float[][] bad = {{7f}, {Float.NaN}, {-1f}, {1.5f}, {Float.POSITIVE_INFINITY}, {3f}};
        for (float[] b : bad) {
            float[] w = v.clone();
            w[10] = b[0]; // flat 10 in [2,1,2,3] is [1, 0, 1, 1]
            try (Tensor m = Tensor.of(w, 2, 1, 2, 3)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> est.add(m));
                String msg = e.getMessage();
                assertTrue(msg.contains("label " + b[0]), msg);
                assertTrue(msg.contains("[1, 0, 1, 1]") && msg.contains("flat 10"), msg);
                assertTrue(msg.contains("[0, 3)") && msg.contains("255"), msg);
            }
        }
        assertArrayEquals(new long[] {12, 0, 0}, est.totalCounts());
        assertEquals(1, est.maskCount());
        // Without an ignore label, 255 is just out of range.
        try (Tensor m = Tensor.of(new float[] {0, 255}, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClassWeightEstimator.cumulative(3).add(m));
            assertTrue(e.getMessage().contains("255.0") && e.getMessage().contains("[1]"), e.getMessage());
        }
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> ClassWeightEstimator.builder(1));
        IllegalArgumentException ig = assertThrows(IllegalArgumentException.class,
                () -> ClassWeightEstimator.builder(3).ignoreLabel(2));
        assertTrue(ig.getMessage().contains("ignore label 2"), ig.getMessage());
        for (double d : new double[] {0, -0.5, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClassWeightEstimator.builder(3).decay(d));
            assertTrue(e.getMessage().contains(String.valueOf(d)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ClassWeightEstimator.builder(3).cap(0.9f));
        assertThrows(IllegalArgumentException.class, () -> ClassWeightEstimator.builder(3).cap(Float.POSITIVE_INFINITY));
        ClassWeightEstimator est = ClassWeightEstimator.builder(3).cap(20f).decay(0.99).ignoreLabel(-100).build();
        assertEquals(20f, est.cap());
        assertEquals(0.99, est.decay());
        assertEquals(-100, est.ignoreLabel());
        assertEquals(3, est.numClasses());
        assertEquals(ClassWeightEstimator.DEFAULT_CAP, ClassWeightEstimator.cumulative(2).cap());
    }
}
