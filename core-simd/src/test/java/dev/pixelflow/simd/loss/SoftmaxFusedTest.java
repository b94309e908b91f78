package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxCrossEntropy#forward}: the fused loss and gradient of every reduction, provider and thread count
 * against an independent double evaluation, the older entry points, finite differences, extreme logits and
 * invalid input. Tolerance against the double reference: per element 2e-5 * (1 + |ref|) for map and gradient
 * (times the MEAN scale for the gradient), the reduced loss within 1e-5 relative.
 */
class SoftmaxFusedTest {
    private static final int IGNORE = 255;

    private static Tensor logits(SplittableRandom r, double sd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (r.nextGaussian() * sd));
        }
        return t;
    }

    private static Tensor labels(SplittableRandom r, int classes, double ignoreFrac, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, r.nextDouble() < ignoreFrac ? IGNORE : r.nextInt(classes));
        }
        return t;
    }

    /** Independent double reference: per-pixel loss map [B*S], gradient of the reduced loss, reduced value. */
    private record Ref(double[] map, double[] grad, double value) {
    }

    private static Ref reference(Tensor x, Tensor y, float[] w, double eps, Reduction red) {
        int b = x.dim(0);
        int c = x.dim(1);
        int s = (int) (x.size() / ((long) b * c));
        double[] map = new double[b * s];
        double[] grad = new double[(int) x.size()];
        double total = 0;
        double den = 0;
        double wSum = 0;
        for (int k = 0; k < c; k++) {
            wSum += w == null ? 1 : w[k];
        }
        double[] logp = new double[c];
        for (int n = 0; n < b; n++) {
            for (int p = 0; p < s; p++) {
                int label = (int) y.getFlat((long) n * s + p);
                if (label == IGNORE) {
                    continue;
                }
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    m = Math.max(m, x.getFlat(((long) n * c + k) * s + p));
                }
                double z = 0;
                for (int k = 0; k < c; k++) {
                    z += Math.exp(x.getFlat(((long) n * c + k) * s + p) - m);
                }
                for (int k = 0; k < c; k++) {
                    logp[k] = x.getFlat(((long) n * c + k) * s + p) - m - Math.log(z);
                }
                double wy = w == null ? 1 : w[label];
                double l = -(1 - eps) * wy * logp[label];
                for (int k = 0; k < c; k++) {
                    l -= eps / c * (w == null ? 1 : w[k]) * logp[k];
                }
                map[n * s + p] = l;
                total += l;
                den += wy;
                for (int k = 0; k < c; k++) {
                    double pk = Math.exp(logp[k]);
                    grad[(n * c + k) * s + p] = (1 - eps) * wy * (pk - (k == label ? 1 : 0))
                            + eps / c * (pk * wSum - (w == null ? 1 : w[k]));
                }
            }
        }
        double a = red == Reduction.MEAN ? (den == 0 ? 0 : 1 / den) : 1;
        for (int i = 0; i < grad.length; i++) {
            grad[i] *= a;
        }
        return new Ref(map, grad, total * a);
    }

    private static SoftmaxCrossEntropy loss(Reduction red, float[] w, double eps, Ops.Provider provider,
                                            int threads) {
        SoftmaxCrossEntropy.Builder b = SoftmaxCrossEntropy.builder().reduction(red).labelSmoothing(eps)
                .ignoreIndex(IGNORE).provider(provider).threads(threads);
        if (w != null) {
            b.weights(w);
        }
        return b.build();
    }

    @Test
    void fusedMatchesDoubleReference() {
        SplittableRandom r = new SplittableRandom(31L);
        int[][] shapes = {{2, 3, 1, 1}, {1, 5, 1, 7}, {2, 2, 13, 1}, {3, 21, 3, 11}, {2, 3, 9, 23}, {2, 5, 64, 70},
            {40, 4}};
        for (int[] shape : shapes) {
            int c = shape[1];
            int[] labelShape = shape.length == 2 ? new int[] {shape[0]} : new int[] {shape[0], shape[2], shape[3]};
            float[] w = new float[c];
            for (int k = 0; k < c; k++) {
                w[k] = (float) (0.1 + 2 * r.nextDouble());
            }
            try (Tensor x = logits(r, 4, shape); Tensor y = labels(r, c, 0.2, labelShape)) {
                for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
                    for (int variant = 0; variant < 4; variant++) {
                        float[] weights = (variant & 1) != 0 ? w : null;
                        double eps = (variant & 2) != 0 ? 0.1 : 0;
                        Ref ref = reference(x, y, weights, eps, red);
                        for (Ops.Provider provider : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
                            for (int threads = 1; threads <= 2; threads++) {
                                String what = java.util.Arrays.toString(shape) + " " + red + " variant " + variant
                                        + " " + provider + " threads " + threads;
                                SoftmaxCrossEntropy ce = loss(red, weights, eps, provider, threads);
                                try (Tensor g = Tensor.zeros(shape); Tensor map = Tensor.zeros(labelShape)) {
                                    float v = ce.forward(x, y, g, map);
                                    assertEquals(ref.value(), v, 1e-6 + 1e-5 * Math.abs(ref.value()), what);
                                    double gTol = red == Reduction.MEAN ? Math.abs(ref.value()) / Math.max(1,
                                            ref.value()) : 1;
                                    for (int i = 0; i < ref.grad().length; i++) {
                                        assertEquals(ref.grad()[i], g.getFlat(i), 2e-5 * gTol
                                                * (1 + Math.abs(ref.grad()[i])), what + " grad " + i);
                                    }
                                    for (int i = 0; i < ref.map().length; i++) {
                                        assertEquals(ref.map()[i], map.getFlat(i), 2e-5 * (1 + Math.abs(ref.map()[i])),
                                                what + " map " + i);
                                    }
                                    // the older entry points run the same kernels (to an ulp: the Vector API's
                                    // EXP may round differently before and after JIT compilation)
                                    assertEquals(v, (float) ce.value(x, y), 1e-6 * (1 + Math.abs(v)),
                                            what + " value");
                                    try (Tensor g2 = ce.gradient(x, y); Tensor l2 = ce.loss(x, y)) {
                                        for (long i = 0; i < g.size(); i++) {
                                            assertEquals(g.getFlat(i), g2.getFlat(i), 1e-6 * (1 + Math.abs(
                                                    g.getFlat(i))), what + " gradient()");
                                        }
                                        if (red == Reduction.NONE) {
                                            for (long i = 0; i < map.size(); i++) {
                                                assertEquals(map.getFlat(i), l2.getFlat(i), 1e-6 * (1 + Math.abs(
                                                        map.getFlat(i))), what + " loss()");
                                            }
                                        } else {
                                            assertEquals(v, l2.getFlat(0), 1e-6 * (1 + Math.abs(v)),
                                                    what + " loss()");
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Central differences of each pixel's loss-map entry (only that pixel depends on its logits), times the
     * reduction's scale, against the fused gradient; float loss values, so h = 1e-2.
     */
    @Test
    void fusedGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(32L);
        float[] w = {0.5f, 2f, 1.25f, 0.8f};
        int[] shape = {2, 4, 3, 7};
        int[] labelShape = {2, 3, 7};
        int s = 21;
        float h = 1e-2f;
        for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
            for (int variant = 0; variant < 4; variant++) {
                float[] weights = (variant & 1) != 0 ? w : null;
                double eps = (variant & 2) != 0 ? 0.1 : 0;
                for (Ops.Provider provider : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
                    SoftmaxCrossEntropy ce = loss(red, weights, eps, provider, 2);
                    try (Tensor x = logits(r, 2, shape); Tensor y = labels(r, 4, 0.25, labelShape);
                            Tensor g = Tensor.zeros(shape); Tensor map = Tensor.zeros(labelShape);
                            Tensor mp = Tensor.zeros(labelShape); Tensor mm = Tensor.zeros(labelShape)) {
                        ce.forward(x, y, g, map);
                        double a = 1;
                        if (red == Reduction.MEAN) {
                            double den = 0;
                            for (long i = 0; i < y.size(); i++) {
                                int label = (int) y.getFlat(i);
                                den += label == IGNORE ? 0 : weights == null ? 1 : weights[label];
                            }
                            a = 1 / den;
                        }
                        for (long i = 0; i < x.size(); i++) {
                            long pixel = i / (4L * s) * s + i % s;
                            float old = x.getFlat(i);
                            x.setFlat(i, old + h);
                            ce.forward(x, y, null, mp);
                            x.setFlat(i, old - h);
                            ce.forward(x, y, null, mm);
                            x.setFlat(i, old);
                            double fd = a * ((double) mp.getFlat(pixel) - mm.getFlat(pixel)) / (2.0 * h);
                            assertEquals(fd, g.getFlat(i), a * (2e-4 + 1e-3 * Math.abs(fd / a)),
                                    ce + " at flat " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void extremeLogitsGiveFiniteLossAndGradient() {
        float[] extremes = {30f, -30f, 80f, -80f};
        SplittableRandom r = new SplittableRandom(33L);
        int[] shape = {2, 5, 7, 5};
        try (Tensor x = Tensor.zeros(shape); Tensor y = labels(r, 5, 0.1, 2, 7, 5)) {
            for (long i = 0; i < x.size(); i++) {
                x.setFlat(i, extremes[r.nextInt(extremes.length)]);
            }
            for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
                for (Ops.Provider provider : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
                    SoftmaxCrossEntropy ce = loss(red, new float[] {1, 2, 0.5f, 1, 3}, 0.1, provider, 2);
                    Ref ref = reference(x, y, new float[] {1, 2, 0.5f, 1, 3}, 0.1, red);
                    try (Tensor g = Tensor.zeros(shape); Tensor map = Tensor.zeros(2, 7, 5)) {
                        float v = ce.forward(x, y, g, map);
                        assertTrue(Float.isFinite(v), red + " " + provider);
                        assertEquals(ref.value(), v, 1e-5 * Math.abs(ref.value()), red + " " + provider);
                        for (long i = 0; i < g.size(); i++) {
                            assertTrue(Float.isFinite(g.getFlat(i)), red + " " + provider + " grad " + i);
                            assertEquals(ref.grad()[(int) i], g.getFlat(i), 1e-6, red + " " + provider);
                        }
                    }
                }
            }
        }
    }

    @Test
    void invalidInputThrowsNamingPositionAndLeavesNoNaN() {
        SplittableRandom r = new SplittableRandom(34L);
        for (Ops.Provider provider : new Ops.Provider[] {Ops.Provider.VECTOR, Ops.Provider.SCALAR}) {
            for (int threads = 1; threads <= 2; threads++) {
                for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
                    SoftmaxCrossEntropy ce = loss(red, null, 0, provider, threads);
                    try (Tensor x = logits(r, 3, 2, 3, 3, 11); Tensor y = labels(r, 3, 0.1, 2, 3, 11);
                            Tensor g = Tensor.zeros(2, 3, 3, 11); Tensor map = Tensor.zeros(2, 3, 11)) {
                        y.setFlat(33 + 20, 7f); // image 1, row 1, column 9: inside a vector of pixels
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> ce.forward(x, y, g, map));
                        assertTrue(e.getMessage().contains("7.0") && e.getMessage().contains("[1, 1, 9]"),
                                e.getMessage());
                        for (long i = 0; i < g.size(); i++) {
                            assertEquals(0f, g.getFlat(i), 0f, "grad after error");
                        }
                        y.setFlat(33 + 20, 1.5f);
                        e = assertThrows(IllegalArgumentException.class, () -> ce.forward(x, y, g, map));
                        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
                        y.setFlat(33 + 20, 1f);
                        x.setFlat(99 + 33 + 20, Float.NaN);
                        e = assertThrows(IllegalArgumentException.class, () -> ce.forward(x, y, g, map));
                        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 1, 1, 9]"),
                                e.getMessage());
                        for (long i = 0; i < g.size(); i++) {
                            assertTrue(Float.isFinite(g.getFlat(i)), "grad after error");
                        }
                    }
                }
            }
        }
    }

    @Test
    void outputArgumentsAreChecked() {
        SplittableRandom r = new SplittableRandom(35L);
        try (Tensor x = logits(r, 1, 2, 3, 4, 5); Tensor y = labels(r, 3, 0, 2, 4, 5);
                Tensor badGrad = Tensor.zeros(2, 3, 5, 4); Tensor badMap = Tensor.zeros(2, 5, 4);
                Tensor map4 = Tensor.zeros(2, 1, 4, 5)) {
            SoftmaxCrossEntropy none = SoftmaxCrossEntropy.builder().reduction(Reduction.NONE).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> none.forward(x, y, null, null));
            assertTrue(e.getMessage().contains("lossMap"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> none.forward(x, y, badGrad, map4));
            assertTrue(e.getMessage().contains("[2, 3, 5, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> none.forward(x, y, null, badMap));
            assertTrue(e.getMessage().contains("[2, 5, 4]"), e.getMessage());
            float v = none.forward(x, y, null, map4);
            double sum = 0;
            for (long i = 0; i < map4.size(); i++) {
                sum += map4.getFlat(i);
            }
            assertEquals(sum, v, 1e-5 * Math.abs(sum));
            assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.builder().threads(0));
            SoftmaxCrossEntropy mean = SoftmaxCrossEntropy.defaults();
            e = assertThrows(IllegalArgumentException.class, () -> mean.forward(x, y, x, null));
            assertTrue(e.getMessage().contains("grad must not share memory with logits"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> mean.forward(x, y, null, y));
            assertTrue(e.getMessage().contains("lossMap must not share memory with labels"), e.getMessage());
        }
    }
}
