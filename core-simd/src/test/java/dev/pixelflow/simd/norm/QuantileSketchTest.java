package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {
    private static final double[] QS = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};

    /** Batches of 2 channels whose range drifts both ways, so the sketch must grow left and right. */
    private static List<Tensor> stream(Random rnd) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            float[] v = new float[2 * 2 * 8 * 8];
            double spread = 1 + k;
            double centre = (k % 2 == 0 ? 1 : -1) * k * 0.7;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (centre + spread * rnd.nextGaussian() + (i / 64 % 2) * 100);
            }
            out.add(Tensor.of(v, 2, 2, 8, 8));
        }
        return out;
    }

    private static float[] channelValues(List<Tensor> batches, int c) {
        int total = 0;
        for (Tensor t : batches) {
            total += t.dim(0) * 64;
        }
        float[] all = new float[total];
        int k = 0;
        for (Tensor t : batches) {
            for (int b = 0; b < t.dim(0); b++) {
                for (int i = 0; i < 64; i++) {
                    all[k++] = t.getFlat((b * 2L + c) * 64 + i);
                }
            }
        }
        Arrays.sort(all);
        return all;
    }

    private static void assertWithin(QuantileSketch s, float[] sorted, int c, double widths) {
        double w = s.binWidth(c);
        for (double q : QS) {
            double h = (sorted.length - 1) * q;
            double lo = sorted[(int) Math.floor(h)];
            double hi = sorted[(int) Math.ceil(h)];
            double est = s.quantile(c, q);
            assertTrue(est >= lo - widths * w && est <= hi + widths * w,
                    "q=" + q + " est " + est + " outside [" + lo + ", " + hi + "] +- " + widths + " x " + w
                            + " (exact " + Quantiles.linear(sorted, q) + ")");
        }
        assertEquals(sorted[0], s.quantile(c, 0), 0.0);
        assertEquals(sorted[sorted.length - 1], s.quantile(c, 1), 0.0);
    }

    @Test
    void directAndMergedStreamsStayWithinBound() {
        for (long seed = 1; seed <= 3; seed++) {
            List<Tensor> batches = stream(new Random(seed));
            try {
                QuantileSketch whole = new QuantileSketch(2, 256);
                QuantileSketch a = new QuantileSketch(2, 256);
                QuantileSketch b = new QuantileSketch(2, 256);
                for (int i = 0; i < batches.size(); i++) {
                    whole.update(batches.get(i));
                    (i % 3 == 0 ? a : b).update(batches.get(i));
                }
                a.merge(b).merge(new QuantileSketch(2, 256));
                for (int c = 0; c < 2; c++) {
                    float[] sorted = channelValues(batches, c);
                    assertEquals(sorted.length, whole.count(c));
                    assertEquals(sorted.length, a.count(c));
                    assertWithin(whole, sorted, c, 1);
                    assertWithin(a, sorted, c, 2);
                    // and the bin width is small relative to the data range
                    assertTrue(whole.binWidth(c) <= 4 * (sorted[sorted.length - 1] - sorted[0]) / 256.0);
                }
            } finally {
                batches.forEach(Tensor::close);
            }
        }
    }

    @Test
    void toStatsFeedsADatasetNormalizer() {
        List<Tensor> batches = stream(new Random(9));
        try {
            QuantileSketch s = new QuantileSketch(2, 512);
            batches.forEach(s::update);
            NormalizerSpec spec = NormalizerSpec.builder(NormMethod.QUANTILE).scope(NormScope.DATASET).clip(true).build();
            NormStats approx = s.toStats(spec);
            NormStats exact = GroupStatistics.compute(spec, batches.toArray(Tensor[]::new));
            for (int c = 0; c < 2; c++) {
                assertEquals(exact.shift(c), approx.shift(c), 2 * s.binWidth(c));
                assertEquals(exact.scale(c), approx.scale(c), 4 * s.binWidth(c));
            }
            Normalizer n = Normalizer.fromStats(approx);
            try (Tensor y = Tensor.zeros(batches.get(0).shape())) {
                n.apply(batches.get(0), y);
                for (long i = 0; i < y.size(); i++) {
                    assertTrue(y.getFlat(i) >= 0 && y.getFlat(i) <= 1);
                }
            }
        } finally {
            batches.forEach(Tensor::close);
        }
    }

    @Test
    void constantStreamGivesTheConstant() {
        try (Tensor x = Tensor.zeros(1, 1, 3, 3).fill(4.5f)) {
            QuantileSketch s = new QuantileSketch(1, 16).update(x).update(x);
            assertEquals(4.5, s.quantile(0, 0.05), 0.0);
            assertEquals(4.5, s.quantile(0, 0.95), 0.0);
            assertEquals(1.0, s.toStats(NormalizerSpec.quantile(NormScope.DATASET)).scale(0), 0.0);
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(1, 3));
        assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new QuantileSketch(1, 4).merge(new QuantileSketch(1, 8)));
        assertThrows(IllegalStateException.class, () -> new QuantileSketch(1, 4).quantile(0, 0.5));
        try (Tensor x = Tensor.zeros(1, 1, 2, 2); Tensor bad = Tensor.zeros(1, 2, 2, 2)) {
            QuantileSketch s = new QuantileSketch(1, 4).update(x);
            assertThrows(IllegalArgumentException.class, () -> s.quantile(0, 1.5));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> s.update(bad));
            assertTrue(ex.getMessage().contains("[1, 2, 2, 2]"));
            x.setFlat(2, Float.NaN);
            assertThrows(IllegalArgumentException.class, () -> s.update(x));
            assertThrows(IllegalArgumentException.class, () -> s.toStats(NormalizerSpec.zScore(NormScope.DATASET)));
        }
    }
}
