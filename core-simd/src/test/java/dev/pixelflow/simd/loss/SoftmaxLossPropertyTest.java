package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Seeded randomized identities between the two losses, the all-ignored policy, and finite differences. */
class SoftmaxLossPropertyTest {

    static Tensor randomLogits(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (r.nextGaussian() * 2));
        }
        return t;
    }

    static Tensor randomLabels(Random r, int classes, int ignore, double ignoreFrac, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, r.nextDouble() < ignoreFrac ? ignore : r.nextInt(classes));
        }
        return t;
    }

    static Tensor identity(int c, float[] diag) {
        Tensor h = Tensor.zeros(c, c);
        for (int i = 0; i < c; i++) {
            h.set(diag == null ? 1f : diag[i], i, i);
        }
        return h;
    }

    static void assertRel(double e, double a, double rel, String what) {
        assertEquals(e, a, Math.max(1e-6, rel * Math.abs(e)), what);
    }

    @Test
    void identityInfogainIsUnweightedMeanCrossEntropy() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int c = 2 + r.nextInt(5);
            int b = 1 + r.nextInt(3);
            int hh = 1 + r.nextInt(4);
            int ww = 1 + r.nextInt(5);
            try (Tensor x = randomLogits(r, b, c, hh, ww); Tensor y = randomLabels(r, c, 255, 0.2, b, hh, ww);
                    Tensor h = identity(c, null)) {
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.builder().ignoreIndex(255).build();
                InfogainLoss ig = InfogainLoss.builder(h).ignoreLabel(255).build();
                assertRel(ce.value(x, y), ig.value(x, y), 1e-9, "trial " + trial);
                try (Tensor g1 = ce.gradient(x, y); Tensor g2 = ig.gradient(x, y)) {
                    for (long i = 0; i < g1.size(); i++) {
                        assertEquals(g1.getFlat(i), g2.getFlat(i), 1e-6, "grad trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void diagonalInfogainIsWeightedSumCrossEntropy() {
        Random r = new Random(12);
        for (int trial = 0; trial < 20; trial++) {
            int c = 2 + r.nextInt(5);
            int n = 1 + r.nextInt(12);
            float[] w = new float[c];
            for (int i = 0; i < c; i++) {
                w[i] = (float) (0.1 + 2 * r.nextDouble());
            }
            try (Tensor x = randomLogits(r, n, c); Tensor y = randomLabels(r, c, -100, 0.2, n);
                    Tensor h = identity(c, w)) {
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.builder().weights(w).reduction(Reduction.SUM).build();
                InfogainLoss ig = InfogainLoss.builder(h).ignoreLabel(-100)
                        .normalization(InfogainNormalization.NONE).build();
                assertRel(ce.value(x, y), ig.value(x, y), 1e-9, "trial " + trial);
                try (Tensor g1 = ce.gradient(x, y); Tensor g2 = ig.gradient(x, y)) {
                    for (long i = 0; i < g1.size(); i++) {
                        assertEquals(g1.getFlat(i), g2.getFlat(i), 1e-5, "grad trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void allIgnoredGivesZeroLossAndZeroGradient() {
        Random r = new Random(13);
        try (Tensor x = randomLogits(r, 2, 3, 2, 2); Tensor y = Tensor.zeros(2, 2, 2).fill(255)) {
            for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.builder().ignoreIndex(255).labelSmoothing(0.1)
                        .weights(new float[] {1, 2, 3}).reduction(red).build();
                try (Tensor l = ce.loss(x, y); Tensor g = ce.gradient(x, y)) {
                    for (float v : l.toArray()) {
                        assertEquals(0f, v, 0f, red.name());
                    }
                    for (float v : g.toArray()) {
                        assertEquals(0f, v, 0f, red.name());
                    }
                }
            }
            try (Tensor h = identity(3, null)) {
                for (InfogainNormalization norm : InfogainNormalization.values()) {
                    InfogainLoss ig = InfogainLoss.builder(h).ignoreLabel(255).normalization(norm).build();
                    assertEquals(0.0, ig.value(x, y), 0.0, norm.name());
                    try (Tensor g = ig.gradient(x, y)) {
                        for (float v : g.toArray()) {
                            assertEquals(0f, v, 0f, norm.name());
                        }
                    }
                }
            }
        }
    }

    @Test
    void normalizersAreAtLeastOne() {
        assertEquals(1.0, InfogainNormalization.VALID.normalizer(2, 4, 0));
        assertEquals(5.0, InfogainNormalization.VALID.normalizer(2, 4, 5));
        assertEquals(8.0, InfogainNormalization.FULL.normalizer(2, 4, 5));
        assertEquals(2.0, InfogainNormalization.BATCH_SIZE.normalizer(2, 4, 5));
        assertEquals(1.0, InfogainNormalization.NONE.normalizer(2, 4, 5));
    }

    /** Central differences of {@code f} against {@code grad}, in double over float32 logits. */
    static void checkGradient(Tensor x, Tensor grad, ToDoubleFunction<Tensor> f, String what) {
        for (long i = 0; i < x.size(); i++) {
            float orig = x.getFlat(i);
            float plus = orig + 1e-2f;
            float minus = orig - 1e-2f;
            x.setFlat(i, plus);
            double fp = f.applyAsDouble(x);
            x.setFlat(i, minus);
            double fm = f.applyAsDouble(x);
            x.setFlat(i, orig);
            double fd = (fp - fm) / ((double) plus - minus);
            double g = grad.getFlat(i);
            assertEquals(fd, g, 1e-4 + 1e-3 * Math.abs(fd), what + " at flat " + i);
        }
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        Random r = new Random(14);
        float[] w = {0.5f, 2f, 1.25f, 0.8f};
        for (Reduction red : new Reduction[] {Reduction.MEAN, Reduction.SUM, Reduction.NONE}) {
            for (double eps : new double[] {0, 0.1}) {
                for (boolean weighted : new boolean[] {false, true}) {
                    SoftmaxCrossEntropy.Builder b = SoftmaxCrossEntropy.builder().ignoreIndex(255)
                            .labelSmoothing(eps).reduction(red);
                    if (weighted) {
                        b.weights(w);
                    }
                    SoftmaxCrossEntropy ce = b.build();
                    try (Tensor x = randomLogits(r, 2, 4, 2, 3); Tensor y = randomLabels(r, 4, 255, 0.25, 2, 2, 3);
                            Tensor g = ce.gradient(x, y)) {
                        checkGradient(x, g, t -> ce.value(t, y), ce.toString());
                    }
                }
            }
        }
    }

    @Test
    void infogainGradientMatchesFiniteDifferences() {
        Random r = new Random(15);
        for (InfogainNormalization norm : InfogainNormalization.values()) {
            try (Tensor h = Tensor.zeros(4, 4)) {
                for (long i = 0; i < h.size(); i++) {
                    h.setFlat(i, (float) r.nextDouble());
                }
                InfogainLoss ig = InfogainLoss.builder(h).ignoreLabel(255).normalization(norm).build();
                try (Tensor x = randomLogits(r, 2, 4, 3, 2); Tensor y = randomLabels(r, 4, 255, 0.25, 2, 3, 2);
                        Tensor g = ig.gradient(x, y)) {
                    checkGradient(x, g, t -> ig.value(t, y), norm.name());
                }
            }
        }
    }
}
