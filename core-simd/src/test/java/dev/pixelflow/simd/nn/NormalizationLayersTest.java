package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormalizationLayersTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    // ------------------------------------------------------------------ GroupNorm

    @Test
    void groupNormGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(GroupNorm.of(2, 4), new int[] {3, 4, 7, 5}, 71);
        LayerChecks.checkGradients(GroupNorm.of(3, 3), new int[] {1, 3, 13, 1}, 72); // one channel per group
        LayerChecks.checkGradients(GroupNorm.of(1, 5), new int[] {2, 5}, 73); // rank 2, layer-norm like
        LayerChecks.checkGradients(GroupNorm.of(2, 6, 1e-3, false), new int[] {2, 6, 3, 3}, 74);
    }

    @Test
    void groupNormNormalizesEachSampleAndGroupInDouble() {
        GroupNorm gn = GroupNorm.of(2, 4);
        int[] shape = {3, 4, 7, 5};
        try (Model m = Model.create(gn, 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(shape, new SplittableRandom(5), 3f)) {
            // shift one group far away from zero: statistics must be per group
            for (int i = 0; i < 35 * 2; i++) {
                x.setFlat(35 * 2 + i, x.getFlat(35 * 2 + i) + 100f);
            }
            Tensor y = p.predict(x);
            int n = 2 * 35;
            for (int b = 0; b < 3; b++) {
                for (int g = 0; g < 2; g++) {
                    long base = (long) (b * 4 + g * 2) * 35;
                    double mean = 0;
                    for (int i = 0; i < n; i++) {
                        mean += x.getFlat(base + i);
                    }
                    mean /= n;
                    double var = 0;
                    for (int i = 0; i < n; i++) {
                        double d = x.getFlat(base + i) - mean;
                        var += d * d;
                    }
                    var /= n; // biased
                    double ym = 0;
                    double yv = 0;
                    for (int i = 0; i < n; i++) {
                        double expected = (x.getFlat(base + i) - mean) / Math.sqrt(var + 1e-5);
                        assertEquals(expected, y.getFlat(base + i), 2e-5);
                        ym += y.getFlat(base + i);
                        yv += (double) y.getFlat(base + i) * y.getFlat(base + i);
                    }
                    assertEquals(0, ym / n, 1e-5);
                    assertEquals(1, yv / n, 1e-4);
                }
            }
        }
    }

    @Test
    void groupNormAffineAndBatchOneAgreeWithTheBatch() {
        GroupNorm gn = GroupNorm.of(3, 6);
        try (Model m = Model.create(gn, 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {3, 6, 5, 3}, new SplittableRandom(8), 2f)) {
            m.value(gn.weight()).copyFrom(new float[] {1, 2, 0.5f, -1, 3, 0.25f});
            m.value(gn.bias()).copyFrom(new float[] {0, 1, -1, 0.5f, 2, -2});
            float[] all = p.predict(x).toArray();
            for (int b = 0; b < 3; b++) {
                try (Tensor one = Tensor.zeros(1, 6, 5, 3)) {
                    one.copyFrom(x.slice(b, b + 1));
                    float[] single = p.predict(one).toArray();
                    for (int i = 0; i < single.length; i++) {
                        assertEquals(all[b * 90 + i], single[i], 1e-6f, "sample " + b + " alone vs in the batch");
                    }
                }
            }
            assertEquals(List.of("weight", "bias"), List.copyOf(m.namedParameters().keySet()));
        }
        try (Model m = Model.create(GroupNorm.of(2, 4), 1)) {
            assertArrayEquals(new float[] {1, 1, 1, 1}, m.value(m.parameters().get(0)).toArray(), "weight ones");
            assertArrayEquals(new float[] {0, 0, 0, 0}, m.value(m.parameters().get(1)).toArray(), "bias zeros");
        }
    }

    @Test
    void groupNormValidates() {
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.of(3, 4));
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.of(2, 4, 0, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupNorm.of(2, 4).outputShape(new int[] {2, 3, 5, 5}));
        assertTrue(e.getMessage().contains("GroupNorm") && e.getMessage().contains("[B, 4, *]")
                && e.getMessage().contains("[2, 3, 5, 5]"), e.getMessage());
    }

    // ------------------------------------------------------------------ L2Normalize

    @Test
    void l2NormalizeGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(L2Normalize.create(), new int[] {3, 7}, 81);
        LayerChecks.checkGradients(L2Normalize.create(), new int[] {1, 13}, 82);
        LayerChecks.checkGradients(Sequential.of(Dense.of(5, 4), L2Normalize.create()), new int[] {3, 5}, 83);
    }

    @Test
    void l2NormalizeGivesUnitRowsAndFiniteZeros() {
        try (Model m = Model.create(L2Normalize.create(), 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {4, 13}, new SplittableRandom(3), 5f)) {
            for (int i = 0; i < 13; i++) {
                x.set(0f, 2, i); // row 2 is zero
            }
            x.set(1e-30f, 3, 0);
            for (int i = 1; i < 13; i++) {
                x.set(0f, 3, i); // row 3 is tiny but non-zero
            }
            Tensor y = p.forward(x, true, 0);
            for (int b = 0; b < 2; b++) {
                double ss = 0;
                for (int i = 0; i < 13; i++) {
                    ss += (double) y.get(b, i) * y.get(b, i);
                }
                assertEquals(1, Math.sqrt(ss), 1e-6);
            }
            for (int i = 0; i < 13; i++) {
                assertEquals(0f, y.get(2, i));
                assertTrue(Float.isFinite(y.get(3, i)));
            }
            try (Tensor dy = LayerChecks.random(new int[] {4, 13}, new SplittableRandom(4), 1f)) {
                Tensor dx = p.backwardToInput(dy);
                for (float v : dx.toArray()) {
                    assertTrue(Float.isFinite(v), "finite gradient");
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> L2Normalize.create().outputShape(new int[] {2, 3, 4}));
        assertTrue(e.getMessage().contains("L2Normalize") && e.getMessage().contains("[B, D]"), e.getMessage());
    }

    // ------------------------------------------------------------------ Dropout

    @Test
    void dropoutIsIdentityOutsideTraining() {
        try (Model m = Model.create(Dropout.of(0.5), 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {2, 3, 7, 5}, new SplittableRandom(1), 1f)) {
            assertSame(x, p.predict(x));
            assertSame(x, p.forward(x, false, 42));
        }
    }

    @Test
    void dropoutMasksAreSeededScaledAndKeepTheExpectedFraction() {
        double prob = 0.3;
        int[] shape = {4, 5, 31, 33};
        try (Model m = Model.create(Dropout.of(prob), 1); Pass p = m.newPass(OPS);
             Tensor x = Tensor.zeros(shape)) {
            x.fill(2f);
            float[] a = p.forward(x, true, 7).toArray();
            float[] b = p.forward(x, true, 7).toArray();
            float[] c = p.forward(x, true, 8).toArray();
            assertArrayEquals(a, b, "same seed, same mask");
            assertFalse(java.util.Arrays.equals(a, c), "another seed, another mask");
            long kept = 0;
            float scaled = (float) (2 / (1 - prob));
            for (float v : a) {
                if (v != 0) {
                    assertEquals(scaled, v, 1e-6f, "kept elements are scaled by 1/(1-p)");
                    kept++;
                }
            }
            double n = a.length;
            double sd = Math.sqrt(n * prob * (1 - prob));
            assertEquals((1 - prob) * n, kept, 5 * sd, "kept fraction " + kept / n);
        }
    }

    @Test
    void dropoutBackwardUsesTheForwardMask() {
        try (Model m = Model.create(Dropout.of(0.4), 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {3, 7, 5}, new SplittableRandom(2), 1f);
             Tensor dy = LayerChecks.random(new int[] {3, 7, 5}, new SplittableRandom(3), 1f)) {
            float[] y = p.forward(x, true, 11).toArray();
            float[] dx = p.backwardToInput(dy).toArray();
            for (int i = 0; i < y.length; i++) {
                float expected = y[i] == 0 ? 0f : dy.getFlat(i) / 0.6f;
                assertEquals(expected, dx[i], 1e-6f);
            }
        }
        LayerChecks.checkGradients(Dropout.of(0.5), new int[] {3, 2, 7, 5}, 91);
        LayerChecks.checkGradients(Sequential.of(Dense.of(13, 7), Dropout.of(0.25), Dense.of(7, 2)),
                new int[] {1, 13}, 92);
        LayerChecks.checkGradients(Dropout.of(0), new int[] {2, 3}, 93);
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(1));
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(-0.1));
    }
}
