package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScopeAndDenoisingTest {

    private static Tensor random(Random rnd, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * (1 + i % 7) + i % 5);
        }
        return Tensor.of(v, shape);
    }

    /** Mean and population std of the flat range [from, to). */
    private static double[] moments(Tensor t, long from, long to) {
        double s = 0;
        for (long i = from; i < to; i++) {
            s += t.getFlat(i);
        }
        double m = s / (to - from);
        double q = 0;
        for (long i = from; i < to; i++) {
            q += (t.getFlat(i) - m) * (t.getFlat(i) - m);
        }
        return new double[] {m, Math.sqrt(q / (to - from))};
    }

    @Test
    void perImageVersusPerChannel() {
        Random rnd = new Random(7);
        try (Tensor x = random(rnd, 3, 2, 5, 6); Tensor img = Tensor.zeros(3, 2, 5, 6); Tensor ch = Tensor.zeros(3, 2, 5, 6)) {
            NormStats si = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE)).apply(x, img);
            NormStats sc = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_CHANNEL)).apply(x, ch);
            assertEquals(3, si.groups());
            assertEquals(6, sc.groups());
            for (int b = 0; b < 3; b++) {
                double[] mi = moments(img, b * 60L, (b + 1) * 60L);
                assertEquals(0, mi[0], 1e-6);
                assertEquals(1, mi[1], 1e-5);
                double[] raw = moments(x, b * 60L, (b + 1) * 60L);
                assertEquals(raw[0], si.shift(b), 1e-5);
                assertEquals(raw[1], si.scale(b), 1e-5);
                for (int c = 0; c < 2; c++) {
                    long from = (b * 2L + c) * 30;
                    double[] mc = moments(ch, from, from + 30);
                    assertEquals(0, mc[0], 1e-6);
                    assertEquals(1, mc[1], 1e-5);
                }
            }
        }
    }

    @Test
    void inverseRoundTripsForEveryMethodAndScope() {
        Random rnd = new Random(11);
        for (NormMethod m : NormMethod.values()) {
            for (NormScope s : NormScope.values()) {
                try (Tensor x = random(rnd, 2, 3, 4, 4); Tensor y = Tensor.zeros(2, 3, 4, 4); Tensor back = Tensor.zeros(2, 3, 4, 4)) {
                    NormalizerSpec.Builder builder = NormalizerSpec.builder(m).scope(s);
                    if (m == NormMethod.MIN_MAX) {
                        builder.range(-2, 3);
                    }
                    NormalizerSpec spec = builder.build();
                    Normalizer n = s == NormScope.DATASET ? Normalizer.fit(spec, x) : Normalizer.of(spec);
                    n.apply(x, y);
                    n.inverse(y, back);
                    for (long i = 0; i < x.size(); i++) {
                        assertEquals(x.getFlat(i), back.getFlat(i), 1e-5 * Math.max(1, Math.abs(x.getFlat(i))), m + "/" + s);
                    }
                }
            }
        }
    }

    @Test
    void minMaxHitsTargetRangeAndClipBounds() {
        Random rnd = new Random(3);
        try (Tensor x = random(rnd, 2, 2, 4, 4); Tensor y = Tensor.zeros(2, 2, 4, 4)) {
            Normalizer.of(NormalizerSpec.builder(NormMethod.MIN_MAX).range(-1, 1).build()).apply(x, y);
            for (int p = 0; p < 4; p++) {
                float lo = Float.MAX_VALUE;
                float hi = -Float.MAX_VALUE;
                for (int i = 0; i < 16; i++) {
                    lo = Math.min(lo, y.getFlat(p * 16L + i));
                    hi = Math.max(hi, y.getFlat(p * 16L + i));
                }
                assertEquals(-1f, lo, 1e-6f);
                assertEquals(1f, hi, 1e-6f);
            }
            Normalizer.of(NormalizerSpec.builder(NormMethod.QUANTILE).clip(true).build()).apply(x, y);
            int atZero = 0;
            int atOne = 0;
            for (long i = 0; i < y.size(); i++) {
                float v = y.getFlat(i);
                assertEquals(true, v >= 0f && v <= 1f, "clipped value " + v);
                atZero += v == 0f ? 1 : 0;
                atOne += v == 1f ? 1 : 0;
            }
            // 16 values per plane, 5%/95% quantiles: the minimum and maximum of each plane are clipped
            assertEquals(true, atZero >= 4 && atOne >= 4, atZero + " / " + atOne);
        }
    }

    @Test
    void denoisingFitsOnNoisyAndTransformsBoth() {
        Random rnd = new Random(5);
        try (Tensor clean = random(rnd, 2, 2, 4, 4); Tensor noisy = Tensor.zeros(2, 2, 4, 4);
             Tensor nOut = Tensor.zeros(2, 2, 4, 4); Tensor tOut = Tensor.zeros(2, 2, 4, 4);
             Tensor back = Tensor.zeros(2, 2, 4, 4)) {
            for (long i = 0; i < clean.size(); i++) {
                noisy.setFlat(i, clean.getFlat(i) + (float) (0.5 * rnd.nextGaussian()));
            }
            Normalizer n = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_CHANNEL));
            NormStats stats = DenoisingNormalization.apply(n, noisy, clean, nOut, tOut);
            for (int g = 0; g < 4; g++) {
                double[] mn = moments(noisy, g * 16L, g * 16L + 16);
                assertEquals(mn[0], stats.shift(g), 1e-5);
                assertEquals(mn[1], stats.scale(g), 1e-5);
                for (int i = 0; i < 16; i++) {
                    long k = g * 16L + i;
                    assertEquals((clean.getFlat(k) - mn[0]) / mn[1], tOut.getFlat(k), 1e-5);
                    assertEquals((noisy.getFlat(k) - mn[0]) / mn[1], nOut.getFlat(k), 1e-5);
                }
            }
            n.inverse(stats, tOut, back);
            for (long i = 0; i < clean.size(); i++) {
                assertEquals(clean.getFlat(i), back.getFlat(i), 1e-5 * Math.max(1, Math.abs(clean.getFlat(i))));
            }
            assertThrows(IllegalArgumentException.class, () -> DenoisingNormalization.apply(n, noisy, clean, nOut, noisy));
            try (Tensor wrong = Tensor.zeros(2, 2, 4, 5)) {
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                        () -> DenoisingNormalization.apply(n, noisy, wrong, nOut, tOut));
                assertEquals(true, ex.getMessage().contains("[2, 2, 4, 5]"));
            }
        }
    }
}
