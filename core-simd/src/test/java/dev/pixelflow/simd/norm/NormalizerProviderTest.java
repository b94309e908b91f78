package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The normalizers on both kernel providers: same statistics and outputs (vector vs scalar, small batches on
 * the calling thread and large ones spread over the compute threads), accuracy against double references on
 * data with a large offset, and NaN / infinity positions reported exactly in large tensors.
 */
class NormalizerProviderTest {
    private static final Ops.Provider[] PROVIDERS = {Ops.Provider.VECTOR, Ops.Provider.SCALAR};

    private static Tensor random(SplittableRandom r, double mean, double std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            double z = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            t.setFlat(i, (float) (mean + std * z));
        }
        return t;
    }

    private static NormalizerSpec[] specs(NormScope scope) {
        return new NormalizerSpec[] {
            NormalizerSpec.builder(NormMethod.Z_SCORE).scope(scope).eps(1e-3).build(),
            NormalizerSpec.builder(NormMethod.MIN_MAX).scope(scope).range(-1, 1).build(),
            NormalizerSpec.builder(NormMethod.QUANTILE).scope(scope).quantiles(0.1, 0.9).clip(true).build(),
        };
    }

    /** Two-pass double mean and population std of the flat range [from, to). */
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
    void vectorAndScalarAgreeOnEveryMethodAndScope() {
        SplittableRandom r = new SplittableRandom(21);
        int[][] shapes = {{2, 3, 5, 7}, {3, 2, 61, 67}, {1, 1, 300, 301}};
        for (int[] shape : shapes) {
            for (NormScope scope : NormScope.values()) {
                for (NormalizerSpec spec : specs(scope)) {
                    try (Tensor x = random(r, 1e4, 2, shape); Tensor v = Tensor.zeros(shape);
                         Tensor s = Tensor.zeros(shape); Tensor back = Tensor.zeros(shape)) {
                        String what = spec + " on " + x.shapeString();
                        Normalizer nv;
                        Normalizer ns;
                        if (scope == NormScope.DATASET) {
                            nv = Normalizer.fit(spec, Ops.Provider.VECTOR, x);
                            ns = Normalizer.fit(spec, Ops.Provider.SCALAR, x);
                        } else {
                            nv = Normalizer.of(spec, Ops.Provider.VECTOR);
                            ns = Normalizer.of(spec, Ops.Provider.SCALAR);
                        }
                        NormStats a = nv.apply(x, v);
                        NormStats b = ns.apply(x, s);
                        for (int g = 0; g < a.groups(); g++) {
                            assertEquals(b.shift(g), a.shift(g), 1e-9 * Math.abs(b.shift(g)) + 1e-7, what);
                            assertEquals(b.scale(g), a.scale(g), 1e-6 * b.scale(g), what);
                        }
                        for (long i = 0; i < x.size(); i++) {
                            assertEquals(s.getFlat(i), v.getFlat(i), 1e-5 * Math.abs(s.getFlat(i)) + 1e-6,
                                    what + " element " + i);
                        }
                        if (!spec.clip()) {
                            nv.inverse(v, back);
                            for (long i = 0; i < x.size(); i++) {
                                assertEquals(x.getFlat(i), back.getFlat(i), 2e-7 * Math.abs(x.getFlat(i)),
                                        what + " inverse element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void zScoreOnALargeOffsetMatchesDoubleArithmetic() {
        SplittableRandom r = new SplittableRandom(22);
        int[] shape = {2, 3, 150, 170};
        long plane = 150 * 170;
        try (Tensor x = random(r, 1e4, 1, shape); Tensor y = Tensor.zeros(shape)) {
            for (Ops.Provider p : PROVIDERS) {
                NormStats stats = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_CHANNEL), p).apply(x, y);
                for (int g = 0; g < 6; g++) {
                    double[] ref = moments(x, g * plane, (g + 1) * plane);
                    assertEquals(ref[0], stats.shift(g), 1e-6 * ref[1], p + " mean of group " + g);
                    assertEquals(ref[1], stats.scale(g), 1e-6 * ref[1], p + " std of group " + g);
                    for (long i = g * plane; i < (g + 1) * plane; i += 97) {
                        double e = (x.getFlat(i) - ref[0]) / ref[1];
                        assertEquals(e, y.getFlat(i), 1e-5 * Math.abs(e) + 1e-6, p + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnSplittingOrThreads() {
        // one plane of 300 * 500 floats is split into runs; DATASET fit over two tensors equals the fit over
        // their concatenation up to double rounding
        SplittableRandom r = new SplittableRandom(23);
        try (Tensor a = random(r, -50, 3, 1, 2, 300, 500); Tensor b = random(r, -50, 3, 1, 2, 300, 500);
             Tensor ab = Tensor.zeros(2, 2, 300, 500)) {
            for (long i = 0; i < a.size(); i++) {
                ab.setFlat(i, a.getFlat(i));
                ab.setFlat(a.size() + i, b.getFlat(i));
            }
            for (Ops.Provider p : PROVIDERS) {
                NormalizerSpec spec = NormalizerSpec.zScore(NormScope.DATASET);
                NormStats split = Normalizer.fit(spec, p, a, b).statistics(a);
                NormStats whole = Normalizer.fit(spec, p, ab).statistics(a);
                NormStats again = Normalizer.fit(spec, p, ab).statistics(a);
                assertEquals(whole, again, "deterministic");
                for (int c = 0; c < 2; c++) {
                    assertEquals(whole.shift(c), split.shift(c), 1e-12 * 50, p + " mean");
                    assertEquals(whole.scale(c), split.scale(c), 1e-12 * 3, p + " std");
                    WelfordStats w = new WelfordStats(2).update(a).update(b);
                    assertEquals(whole.shift(c), w.mean(c), 1e-7 * 3, p + " Welford (vector kernels) mean");
                    assertEquals(whole.scale(c), w.std(c), 1e-7 * 3, p + " Welford (vector kernels) std");
                }
            }
        }
    }

    @Test
    void nonFiniteValuesAreNamedAtTheirFlatIndexInLargeBatches() {
        SplittableRandom r = new SplittableRandom(24);
        // six large groups (statistics of all runs first), and 32 small ones (each group's statistics, then
        // its transform, on one thread)
        for (int[] shape : new int[][] {{2, 3, 200, 210}, {16, 2, 40, 50}}) {
            nonFiniteNamed(r, shape);
        }
    }

    private static void nonFiniteNamed(SplittableRandom r, int[] shape) {
        for (Ops.Provider p : PROVIDERS) {
            for (int trial = 0; trial < 4; trial++) {
                try (Tensor x = random(r, 3, 1, shape); Tensor out = Tensor.zeros(shape)) {
                    long at = trial == 0 ? x.size() - 1 : r.nextLong(x.size());
                    float bad = trial % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
                    x.setFlat(at, bad);
                    if (at + 1 < x.size()) {
                        x.setFlat(at + 1 + r.nextLong(x.size() - at - 1), Float.POSITIVE_INFINITY);
                    }
                    String index = "flat index " + at;
                    for (NormalizerSpec spec : specs(NormScope.PER_CHANNEL)) {
                        Normalizer n = Normalizer.of(spec, p);
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> n.apply(x, out));
                        assertTrue(e.getMessage().contains(index) && e.getMessage().contains(String.valueOf(bad)),
                                p + " " + spec.method() + ": " + e.getMessage());
                    }
                    try (Tensor clean = random(r, 3, 1, shape)) {
                        Normalizer fitted = Normalizer.fit(NormalizerSpec.zScore(NormScope.DATASET), p, clean);
                        for (Tensor target : new Tensor[] {out, x}) {
                            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                    () -> fitted.apply(x, target));
                            assertTrue(e.getMessage().contains("in ") && e.getMessage().contains(index),
                                    p + " DATASET apply: " + e.getMessage());
                        }
                        assertEquals(bad, x.getFlat(at), 0f, "in place: the offending value is not overwritten");
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> new WelfordStats(shape[1]).update(x));
                        assertTrue(e.getMessage().contains(index), e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * apply(in, out) takes each group's statistics and transform together when there are many groups; it gives
     * what the statistics of the whole batch followed by the transform give, bit for bit, also in place.
     */
    @Test
    void groupByGroupApplyEqualsStatisticsThenTransform() {
        SplittableRandom r = new SplittableRandom(25);
        int[][] shapes = {{16, 2, 40, 50}, {8, 1, 300, 301}, {3, 2, 5, 7}};
        for (int[] shape : shapes) {
            for (NormScope scope : new NormScope[] {NormScope.PER_IMAGE, NormScope.PER_CHANNEL}) {
                for (NormalizerSpec spec : java.util.Arrays.copyOf(specs(scope), 2)) {
                    for (Ops.Provider p : PROVIDERS) {
                        try (Tensor x = random(r, 1e3, 5, shape); Tensor fused = Tensor.zeros(shape);
                             Tensor apart = Tensor.zeros(shape); Tensor inPlace = Tensor.zeros(shape)) {
                            String what = p + " " + spec + " on " + x.shapeString();
                            Normalizer n = Normalizer.of(spec, p);
                            NormStats a = n.apply(x, fused);
                            NormStats b = n.statistics(x);
                            n.apply(b, x, apart);
                            inPlace.copyFrom(x);
                            NormStats c = n.apply(inPlace, inPlace);
                            for (int g = 0; g < a.groups(); g++) {
                                assertEquals(b.shift(g), a.shift(g), 0.0, what + " shift " + g);
                                assertEquals(b.scale(g), a.scale(g), 0.0, what + " scale " + g);
                                assertEquals(b.shift(g), c.shift(g), 0.0, what + " in place, shift " + g);
                            }
                            for (long i = 0; i < x.size(); i++) {
                                assertEquals(apart.getFlat(i), fused.getFlat(i), 0f, what + " at " + i);
                                assertEquals(apart.getFlat(i), inPlace.getFlat(i), 0f, what + " in place at " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void statisticsBeyondTheFloatRangeStillTransformCorrectly() {
        NormalizerSpec spec = NormalizerSpec.zScore(NormScope.DATASET);
        NormStats stats = new NormStats(spec, new double[] {0, 1e300}, new double[] {1e-40, 1e300});
        try (Tensor x = Tensor.of(new float[] {0f, 1e-42f, 3f, -2f}, 1, 2, 1, 2); Tensor y = Tensor.zeros(1, 2, 1, 2);
             Tensor back = Tensor.zeros(1, 2, 1, 2)) {
            for (Ops.Provider p : PROVIDERS) {
                Normalizer n = Normalizer.fromStats(stats, p);
                n.apply(x, y);
                assertEquals(0f, y.getFlat(0), 0f, p + ": 0 * huge factor");
                assertEquals(1e-42 * 1e40, y.getFlat(1), 1e-3 * 1e-2, p + ": subnormal times huge factor");
                assertEquals(-1f, y.getFlat(2), 1e-6f, p + ": shift beyond the float range");
                assertEquals(-1f, y.getFlat(3), 1e-6f, p.toString());
                n.inverse(y, back);
                assertEquals(0f, back.getFlat(0), 0f, p + " inverse");
            }
        }
    }

    @Test
    void numpyGoldensHoldOnBothProviders() throws java.io.IOException {
        Object[][] cases = {
            {NormalizerSpec.zScore(NormScope.PER_IMAGE), "zscore_image"},
            {NormalizerSpec.builder(NormMethod.Z_SCORE).eps(0.5).build(), "zscore_channel_eps"},
            {NormalizerSpec.zScore(NormScope.DATASET), "zscore_dataset"},
            {NormalizerSpec.builder(NormMethod.MIN_MAX).range(-1, 1).build(), "minmax_channel_range"},
            {NormalizerSpec.minMax(NormScope.DATASET), "minmax_dataset"},
            {NormalizerSpec.builder(NormMethod.QUANTILE).clip(true).build(), "quantile_channel_clip"},
            {NormalizerSpec.quantile(NormScope.DATASET), "quantile_dataset"},
        };
        for (Ops.Provider p : PROVIDERS) {
            for (Object[] c : cases) {
                NormalizerSpec spec = (NormalizerSpec) c[0];
                String golden = (String) c[1];
                try (Tensor x = NormalizerGoldenTest.load("input"); Tensor expected = NormalizerGoldenTest.load(golden);
                     Tensor out = Tensor.zeros(x.shape())) {
                    Normalizer n = spec.scope() == NormScope.DATASET ? Normalizer.fit(spec, p, x)
                            : Normalizer.of(spec, p);
                    n.apply(x, out);
                    NormalizerGoldenTest.assertClose(expected, out, p + " " + golden);
                    out.copyFrom(x);
                    n.apply(n.statistics(x), out, out);
                    NormalizerGoldenTest.assertClose(expected, out, p + " " + golden + " in place with given stats");
                }
            }
        }
    }
}
