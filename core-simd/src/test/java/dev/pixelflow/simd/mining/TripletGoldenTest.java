package dev.pixelflow.simd.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.Reduction;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Against torch float64 ({@code src/test/python/triplet_golden.py}). */
class TripletGoldenTest {

    static Tensor load(String name) throws IOException {
        try (InputStream in = TripletGoldenTest.class.getResourceAsStream("/triplet/" + name + ".npy")) {
            return in == null ? null : Npy.read(in, name);
        }
    }

    static void assertClose(double expected, double actual, String what) {
        double tol = Math.max(1e-6, 1e-5 * Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + " but was " + actual);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), what + " at " + i + " is " + actual[i]);
            assertClose(expected[i], actual[i], what + " at " + i);
        }
    }

    static int[] ints(float[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }

    private static TripletLossResult run(String c, Tensor x, int[] y, Tensor grad) {
        return switch (c) {
            case "bh_euclid", "bh_single" -> BatchHardTripletLoss.builder().margin(0.5).build().forward(x, y, grad);
            case "bh_soft_sq" -> BatchHardTripletLoss.builder().softMargin(true).distance(Distance.SQUARED).build()
                    .forward(x, y, grad);
            case "bh_cos_norm" -> BatchHardTripletLoss.builder().margin(0.2).distance(Distance.COSINE).normalize(true)
                    .build().forward(x, y, grad);
            case "bh_euclid_norm" -> BatchHardTripletLoss.builder().margin(0.2).normalize(true).build()
                    .forward(x, y, grad);
            case "ba_pos" -> BatchAllTripletLoss.builder().margin(0.5).build().forward(x, y, grad);
            case "ba_mean" -> BatchAllTripletLoss.builder().margin(0.5).mode(BatchAllTripletLoss.Mode.MEAN).build()
                    .forward(x, y, grad);
            case "ba_sq_norm" -> BatchAllTripletLoss.builder().margin(0.2).distance(Distance.SQUARED).normalize(true)
                    .build().forward(x, y, grad);
            case "sh_euclid" -> SemiHardTripletLoss.builder().margin(1.0).build().forward(x, y, grad);
            case "sh_sq" -> SemiHardTripletLoss.builder().margin(0.5).distance(Distance.SQUARED).build()
                    .forward(x, y, grad);
            case "sh_cos" -> SemiHardTripletLoss.builder().margin(0.2).distance(Distance.COSINE).build()
                    .forward(x, y, grad);
            case "ba_soft" -> BatchAllTripletLoss.builder().softMargin(true).build().forward(x, y, grad);
            case "sh_soft_sq" -> SemiHardTripletLoss.builder().softMargin(true).distance(Distance.SQUARED).build()
                    .forward(x, y, grad);
            default -> throw new IllegalArgumentException(c);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"bh_euclid", "bh_soft_sq", "bh_cos_norm", "bh_euclid_norm", "bh_single", "ba_pos",
        "ba_mean", "ba_sq_norm", "sh_euclid", "sh_sq", "sh_cos", "ba_soft", "sh_soft_sq"})
    void batchLossesMatchTorch(String c) throws IOException {
        Tensor x = load(c + "_x");
        int[] y = ints(load(c + "_labels").toArray());
        try (Tensor grad = Tensor.zeros(x.shape())) {
            TripletLossResult r = run(c, x, y, grad);
            assertClose(load(c + "_loss").toArray()[0], r.loss(), c + " loss");
            assertClose(load(c + "_grad").toArray(), grad.toArray(), c + " grad");
            Tensor pos = load(c + "_pos");
            if (pos != null) {
                assertArrayEquals(ints(pos.toArray()), r.positives(), c + " positives");
                assertArrayEquals(ints(load(c + "_neg").toArray()), r.negatives(), c + " negatives");
            }
            assertTrue(r.statistics().validAnchors() > 0);
            assertTrue(!r.statistics().collapsed());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tml_plain", "tml_swap", "tml_p1", "tml_p3_swap"})
    void tripletMarginLossMatchesTorch(String c) throws IOException {
        Tensor a = load(c + "_a");
        Tensor p = load(c + "_p");
        Tensor n = load(c + "_n");
        boolean swap = c.contains("swap");
        double pNorm = c.contains("p1") ? 1 : c.contains("p3") ? 3 : 2;
        double margin = c.contains("p3") ? 0.5 : 1.0;
        float[] losses = load(c + "_loss").toArray();
        int b = a.dim(0);
        try (Tensor ga = Tensor.zeros(a.shape()); Tensor gp = Tensor.zeros(a.shape()); Tensor gn = Tensor.zeros(a.shape());
                Tensor none = Tensor.zeros(b)) {
            TripletMarginLoss.Builder builder = TripletMarginLoss.builder().p(pNorm).margin(margin).swap(swap);
            double mean = builder.build().forward(a, p, n, ga, gp, gn, none);
            assertClose(losses[0], mean, c + " mean");
            assertClose(load(c + "_ga").toArray(), ga.toArray(), c + " grad anchor");
            assertClose(load(c + "_gp").toArray(), gp.toArray(), c + " grad positive");
            assertClose(load(c + "_gn").toArray(), gn.toArray(), c + " grad negative");
            assertClose(load(c + "_none").toArray(), none.toArray(), c + " none");
            double sum = builder.reduction(Reduction.SUM).build().forward(a, p, n, null, null, null, null);
            assertClose(losses[1], sum, c + " sum");
            double noneSum = builder.reduction(Reduction.NONE).build().forward(a, p, n, null, null, null, none);
            assertClose(losses[1], noneSum, c + " NONE returns the sum");
            assertClose(load(c + "_none").toArray(), none.toArray(), c + " none");
        }
    }
}
