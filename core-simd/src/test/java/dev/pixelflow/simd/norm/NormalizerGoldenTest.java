package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Normalizers against numpy goldens written by {@code src/test/python/norm_golden.py}. */
class NormalizerGoldenTest {

    static Tensor load(String name) throws IOException {
        try (InputStream in = NormalizerGoldenTest.class.getResourceAsStream("/norm/" + name + ".npy")) {
            if (in == null) {
                throw new IOException("missing golden /norm/" + name + ".npy");
            }
            return Npy.read(in, name);
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertTrue(actual.hasShape(expected.shape()), what + ": shape " + actual.shapeString());
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i);
            double a = actual.getFlat(i);
            assertTrue(Math.abs(a - e) <= 1e-5 * Math.abs(e) + 1e-6,
                    what + " at " + i + ": expected " + e + " got " + a);
        }
    }

    private void check(NormalizerSpec spec, String golden) throws IOException {
        try (Tensor x = load("input"); Tensor expected = load(golden); Tensor out = Tensor.zeros(x.shape());
             Tensor back = Tensor.zeros(x.shape())) {
            Normalizer n = spec.scope() == NormScope.DATASET ? Normalizer.fit(spec, x) : Normalizer.of(spec);
            n.apply(x, out);
            assertClose(expected, out, golden);
            if (!spec.clip()) {
                n.inverse(out, back);
                for (long i = 0; i < x.size(); i++) {
                    assertEquals(x.getFlat(i), back.getFlat(i), 1e-5 * Math.max(1, Math.abs(x.getFlat(i))),
                            golden + " inverse at " + i);
                }
            }
        }
    }

    @Test
    void zScore() throws IOException {
        check(NormalizerSpec.zScore(NormScope.PER_IMAGE), "zscore_image");
        check(NormalizerSpec.zScore(NormScope.PER_CHANNEL), "zscore_channel");
        check(NormalizerSpec.builder(NormMethod.Z_SCORE).eps(0.5).build(), "zscore_channel_eps");
        check(NormalizerSpec.zScore(NormScope.DATASET), "zscore_dataset");
    }

    @Test
    void minMax() throws IOException {
        check(NormalizerSpec.minMax(NormScope.PER_IMAGE), "minmax_image");
        check(NormalizerSpec.builder(NormMethod.MIN_MAX).range(-1, 1).build(), "minmax_channel_range");
        check(NormalizerSpec.minMax(NormScope.DATASET), "minmax_dataset");
    }

    @Test
    void quantile() throws IOException {
        check(NormalizerSpec.quantile(NormScope.PER_IMAGE), "quantile_image");
        check(NormalizerSpec.builder(NormMethod.QUANTILE).clip(true).build(), "quantile_channel_clip");
        check(NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(0.25, 0.75).build(), "quantile_channel_25_75");
        check(NormalizerSpec.quantile(NormScope.DATASET), "quantile_dataset");
    }

    @Test
    void constantChannelLeavesXMinusShift() throws IOException {
        try (Tensor x = load("input"); Tensor out = Tensor.zeros(x.shape())) {
            for (NormalizerSpec spec : new NormalizerSpec[] {NormalizerSpec.zScore(NormScope.PER_CHANNEL),
                    NormalizerSpec.minMax(NormScope.PER_CHANNEL), NormalizerSpec.quantile(NormScope.PER_CHANNEL)}) {
                NormStats stats = Normalizer.of(spec).apply(x, out);
                assertEquals(7.25, stats.shift(1 * 3 + 2), 1e-6, spec.method().toString());
                assertEquals(1.0, stats.scale(1 * 3 + 2), 0.0, spec.method().toString());
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 5; w++) {
                        assertEquals(0f, out.get(1, 2, h, w), 0f);
                    }
                }
            }
        }
    }

    @Test
    void inPlaceMatchesOutOfPlace() throws IOException {
        try (Tensor x = load("input"); Tensor expected = load("zscore_channel"); Tensor y = Tensor.zeros(x.shape())) {
            y.copyFrom(x);
            Normalizer n = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_CHANNEL));
            n.apply(y, y);
            assertClose(expected, y, "in place");
            n.inverse(y, y);
            assertTrue(Arrays.equals(new int[] {2, 3, 4, 5}, y.shape()));
            for (long i = 0; i < x.size(); i++) {
                assertEquals(x.getFlat(i), y.getFlat(i), 1e-5 * Math.max(1, Math.abs(x.getFlat(i))));
            }
        }
    }
}
