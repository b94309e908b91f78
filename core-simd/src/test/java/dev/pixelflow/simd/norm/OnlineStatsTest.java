package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelflow.simd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnlineStatsTest {
    private static final int C = 3;

    private static Tensor randomBatch(Random rnd, int b, double offset) {
        float[] v = new float[b * C * 4 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (offset + rnd.nextGaussian() * (1 + (i / 12) % C));
        }
        return Tensor.of(v, b, C, 4, 3);
    }

    @Test
    void splitStreamEqualsWholeStreamAndMerge() {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            double offset = seed == 5 ? 1000.0 : 0.5 * seed;
            List<Tensor> batches = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batches.add(randomBatch(rnd, 1 + rnd.nextInt(3), offset));
            }
            try {
                NormalizerSpec spec = NormalizerSpec.builder(NormMethod.Z_SCORE).scope(NormScope.DATASET).eps(1e-3).build();
                NormStats whole = GroupStatistics.compute(spec, batches.toArray(Tensor[]::new));
                WelfordStats all = new WelfordStats(C);
                WelfordStats first = new WelfordStats(C);
                WelfordStats second = new WelfordStats(C);
                for (int i = 0; i < batches.size(); i++) {
                    all.update(batches.get(i));
                    (i < 2 ? first : second).update(batches.get(i));
                }
                WelfordStats merged = new WelfordStats(C).merge(second).merge(first).merge(new WelfordStats(C));
                assertEquals(all.count(), merged.count());
                for (WelfordStats w : new WelfordStats[] {all, merged}) {
                    NormStats s = w.toStats(spec);
                    for (int c = 0; c < C; c++) {
                        assertEquals(whole.shift(c), s.shift(c), 1e-9 * Math.max(1, Math.abs(whole.shift(c))));
                        assertEquals(whole.scale(c), s.scale(c), 1e-9 * whole.scale(c));
                    }
                }
            } finally {
                batches.forEach(Tensor::close);
            }
        }
    }

    @Test
    void welfordLiteralValues() {
        // channel 0: 1, 2, 3, 4 then 10 -> mean 4, population variance 10; channel 1 constant 5
        try (Tensor a = Tensor.of(new float[] {1, 2, 5, 5, 3, 4, 5, 5}, 2, 2, 1, 2);
             Tensor b = Tensor.of(new float[] {10, 5}, 1, 2, 1, 1)) {
            WelfordStats w = new WelfordStats(2).update(a).update(b);
            assertEquals(5, w.count());
            assertEquals(4.0, w.mean(0), 1e-12);
            assertEquals(10.0, w.variance(0), 1e-12);
            assertEquals(0.0, w.variance(1), 1e-12);
            NormStats s = w.toStats(NormalizerSpec.zScore(NormScope.DATASET));
            assertEquals(Math.sqrt(10), s.scale(0), 1e-12);
            assertEquals(1.0, s.scale(1), 0.0); // zero std divides by 1
            try (Tensor out = Tensor.zeros(1, 2, 1, 1)) {
                Normalizer.fromStats(s).apply(b, out);
                assertEquals(6 / Math.sqrt(10), out.getFlat(0), 1e-6);
                assertEquals(0f, out.getFlat(1), 0f);
            }
        }
    }

    @Test
    void exponentialMovingLiteralValues() {
        try (Tensor a = Tensor.of(new float[] {1, 3}, 1, 1, 1, 2); Tensor b = Tensor.of(new float[] {5, 5}, 1, 1, 1, 2)) {
            ExponentialMovingStats e = new ExponentialMovingStats(1, 0.5).update(a);
            assertEquals(2.0, e.mean(0), 1e-12);
            assertEquals(1.0, e.variance(0), 1e-12);
            e.update(b); // equal-weight mixture of {1, 3} and {5, 5}: values {1, 3, 5, 5}
            assertEquals(3.5, e.mean(0), 1e-12);
            assertEquals(2.75, e.variance(0), 1e-12);
            ExponentialMovingStats last = new ExponentialMovingStats(1, 1.0).update(a).update(b);
            assertEquals(5.0, last.mean(0), 0.0);
            assertEquals(0.0, last.variance(0), 0.0);
            assertEquals(1.0, last.toStats(NormalizerSpec.zScore(NormScope.DATASET)).scale(0), 0.0);
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingStats(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingStats(1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new WelfordStats(0));
        assertThrows(IllegalArgumentException.class, () -> new WelfordStats(2).merge(new WelfordStats(3)));
        assertThrows(IllegalStateException.class, () -> new WelfordStats(2).mean(0));
        assertThrows(IllegalStateException.class, () -> new ExponentialMovingStats(2, 0.1).variance(0));
        try (Tensor x = Tensor.zeros(1, 2, 1, 1)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new WelfordStats(3).update(x));
            assertEquals(true, ex.getMessage().contains("[1, 2, 1, 1]"));
            WelfordStats w = new WelfordStats(2).update(x);
            assertThrows(IllegalArgumentException.class, () -> w.toStats(NormalizerSpec.minMax(NormScope.DATASET)));
        }
    }
}
