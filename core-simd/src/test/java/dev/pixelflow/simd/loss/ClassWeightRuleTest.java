package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-computed weights for each rule, the cap, and the snapshot record. */
class ClassWeightRuleTest {
    private static final float EPS = 1e-6f;

    @Test
    void inverseMatchesSklearnBalanced() {
        // y = [0,0,0,0,0,0,1,1,1,2]: n = [6,3,1], N = 10, C = 3.
        // sklearn compute_class_weight("balanced", classes=[0,1,2], y) = N / (C * bincount(y)):
        //   10/(3*6) = 0.5555556, 10/(3*3) = 1.1111111, 10/(3*1) = 3.3333333
        float[] w = ClassWeightRule.INVERSE.weights(new double[] {6, 3, 1}, 100f);
        assertArrayEquals(new float[] {0.5555556f, 1.1111111f, 3.3333333f}, w, EPS);
    }

    @Test
    void inverseOfBalancedClassesIsOne() {
        // n = [5,5,5,5], N = 20, C = 4: 20/(4*5) = 1 for every class.
        assertArrayEquals(new float[] {1, 1, 1, 1},
                ClassWeightRule.INVERSE.weights(new double[] {5, 5, 5, 5}, 100f), 0f);
    }

    @Test
    void medianFrequencyOddNumberOfPresentClasses() {
        // n = [6,3,1], N = 10: f = [0.6, 0.3, 0.1], median 0.3; w = 0.3/f = [0.5, 1, 3].
        assertArrayEquals(new float[] {0.5f, 1f, 3f},
                ClassWeightRule.MEDIAN_FREQUENCY.weights(new double[] {6, 3, 1}, 100f), EPS);
    }

    @Test
    void medianFrequencyEvenNumberOfPresentClassesAveragesTheMiddleTwo() {
        // n = [4,2,1,1], N = 8: f = [0.5, 0.25, 0.125, 0.125]; sorted [.125, .125, .25, .5],
        // median (0.125 + 0.25)/2 = 0.1875; w = [0.375, 0.75, 1.5, 1.5].
        assertArrayEquals(new float[] {0.375f, 0.75f, 1.5f, 1.5f},
                ClassWeightRule.MEDIAN_FREQUENCY.weights(new double[] {4, 2, 1, 1}, 100f), EPS);
    }

    @Test
    void medianFrequencyTakesTheMedianOverPresentClassesOnly() {
        // n = [5,3,2,0], N = 10. Present: f = [0.5, 0.3, 0.2], median 0.3 (SegNet's rule);
        // w = [0.3/0.5, 0.3/0.3, 0.3/0.2, cap] = [0.6, 1, 1.5, 100].
        // Had the absent class counted, the median of [0, .2, .3, .5] would be 0.25 and w_0 = 0.5.
        assertArrayEquals(new float[] {0.6f, 1f, 1.5f, 100f},
                ClassWeightRule.MEDIAN_FREQUENCY.weights(new double[] {5, 3, 2, 0}, 100f), EPS);
    }

    @Test
    void objectQuotientIsBackgroundPerObjectPixel() {
        // n = [90, 10]: background 1, object 90/10 = 9.
        assertArrayEquals(new float[] {1f, 9f},
                ClassWeightRule.OBJECT_QUOTIENT.weights(new double[] {90, 10}, 100f), 0f);
        // No object pixel yet: the quotient is infinite, so the object gets the cap.
        assertArrayEquals(new float[] {1f, 20f},
                ClassWeightRule.OBJECT_QUOTIENT.weights(new double[] {90, 0}, 20f), 0f);
    }

    @Test
    void objectQuotientNeedsTwoClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeightRule.OBJECT_QUOTIENT.weights(new double[] {1, 2, 3}, 100f));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
    }

    @Test
    void capBoundsRareClassesAndAbsentClassesGetTheCap() {
        // n = [1000, 1, 0], N = 1001, C = 3: INVERSE w = [1001/3000, 1001/3, inf] = [0.3336667, 333.67, inf]
        // -> capped at 100: [0.3336667, 100, 100]; at cap 50: [0.3336667, 50, 50].
        double[] n = {1000, 1, 0};
        assertArrayEquals(new float[] {0.33366667f, 100f, 100f}, ClassWeightRule.INVERSE.weights(n, 100f), EPS);
        assertArrayEquals(new float[] {0.33366667f, 50f, 50f}, ClassWeightRule.INVERSE.weights(n, 50f), EPS);
        // MEDIAN_FREQUENCY: present f = [1000/1001, 1/1001], median (sum)/2 = 1001/2002 = 0.5;
        // w = [0.5*1001/1000, 0.5*1001/1, cap] = [0.5005, 500.5 -> 100, 100].
        assertArrayEquals(new float[] {0.5005f, 100f, 100f},
                ClassWeightRule.MEDIAN_FREQUENCY.weights(n, 100f), EPS);
    }

    @Test
    void rejectsBadCountsCapAndEmptyCounts() {
        assertThrows(IllegalArgumentException.class, () -> ClassWeightRule.INVERSE.weights(new double[] {1, -1}, 100f));
        assertThrows(IllegalArgumentException.class,
                () -> ClassWeightRule.INVERSE.weights(new double[] {1, Double.NaN}, 100f));
        IllegalArgumentException cap = assertThrows(IllegalArgumentException.class,
                () -> ClassWeightRule.INVERSE.weights(new double[] {1, 1}, 0.5f));
        assertTrue(cap.getMessage().contains("0.5"), cap.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClassWeightRule.INVERSE.weights(new double[] {1, 1}, Float.NaN));
        assertThrows(IllegalStateException.class, () -> ClassWeightRule.INVERSE.weights(new double[] {0, 0}, 100f));
    }

    @Test
    void snapshotCopiesArraysPrintsItselfAndBecomesATensor() {
        double[] n = {6, 3, 1};
        ClassWeights w = ClassWeights.of(ClassWeightRule.MEDIAN_FREQUENCY, n, 100f);
        n[0] = 99;
        w.weights()[0] = 42f;
        assertEquals(0.5f, w.weight(0), EPS);
        assertEquals(6.0, w.counts()[0]);
        assertEquals(3, w.numClasses());
        assertEquals("ClassWeights[rule=MEDIAN_FREQUENCY, cap=100.0, weights=[0.5, 1.0, 3.0], counts=[6.0, 3.0, 1.0]]",
                w.toString());
        assertEquals(w, ClassWeights.of(ClassWeightRule.MEDIAN_FREQUENCY, new double[] {6, 3, 1}, 100f));
        try (Tensor t = w.toTensor()) {
            assertArrayEquals(new int[] {3}, t.shape());
            assertArrayEquals(new float[] {0.5f, 1f, 3f}, t.toArray(), EPS);
        }
    }
}
