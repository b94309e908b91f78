package dev.pixelflow.simd.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.Reduction;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Identities, edge cases and finite-difference gradient checks (seeded randomized). */
class TripletPropertiesTest {

    private static Tensor random(Random rnd, int n, int d, double scale) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return Tensor.of(v, n, d);
    }

    /** Central differences of {@code f} at {@code x} against {@code analytic}, in float32 input steps. */
    private static void checkGradient(Tensor x, ToDoubleFunction<Tensor> f, float[] analytic, String what) {
        float[] base = x.toArray();
        for (int i = 0; i < base.length; i++) {
            float hi = base[i] + 1e-3f;
            float lo = base[i] - 1e-3f;
            x.setFlat(i, hi);
            double fp = f.applyAsDouble(x);
            x.setFlat(i, lo);
            double fm = f.applyAsDouble(x);
            x.setFlat(i, base[i]);
            double fd = (fp - fm) / ((double) hi - lo);
            double tol = 2e-3 * Math.max(1, Math.abs(fd));
            assertTrue(Math.abs(fd - analytic[i]) <= tol,
                    what + " at " + i + ": finite difference " + fd + ", analytic " + analytic[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void distanceMatrixAndBackward(Distance dist) {
        Random rnd = new Random(11 + dist.ordinal());
        Tensor x = random(rnd, 6, 4, 1.0);
        Tensor w = random(rnd, 6, 6, 1.0);
        try (Tensor m = Tensor.zeros(6, 6); Tensor g = Tensor.zeros(6, 4)) {
            dist.pairwise(x, m);
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    double s = 0;
                    double dot = 0;
                    double na = 0;
                    double nb = 0;
                    for (int k = 0; k < 4; k++) {
                        double t = x.get(i, k) - x.get(j, k);
                        s += t * t;
                        dot += (double) x.get(i, k) * x.get(j, k);
                        na += (double) x.get(i, k) * x.get(i, k);
                        nb += (double) x.get(j, k) * x.get(j, k);
                    }
                    double expected = switch (dist) {
                        case EUCLIDEAN -> Math.sqrt(s + 1e-12);
                        case SQUARED -> s;
                        case COSINE -> 1 - dot / Math.sqrt(na * nb);
                    };
                    assertEquals(expected, m.get(i, j), 1e-5 * Math.max(1, expected), dist + " " + i + "," + j);
                }
            }
            dist.backward(x, w, g);
            float[] wv = w.toArray();
            checkGradient(x, t -> {
                try (Tensor mm = Tensor.zeros(6, 6)) {
                    dist.pairwise(t, mm);
                    float[] v = mm.toArray();
                    double s = 0;
                    for (int i = 0; i < 6; i++) {
                        for (int j = 0; j < 6; j++) {
                            s += i == j ? 0 : wv[i * 6 + j] * (double) v[i * 6 + j];
                        }
                    }
                    return s;
                }
            }, g.toArray(), dist + " backward");
        }
    }

    @Test
    void differenceFormAvoidsCancellation() {
        // rows far from the origin: the matmul form |a|^2 + |b|^2 - 2ab would lose the small difference
        float[] v = {1000f, 1000f, 1000.0625f, 1000f};
        try (Tensor x = Tensor.of(v, 2, 2); Tensor m = Tensor.zeros(2, 2)) {
            Distance.SQUARED.pairwise(x, m);
            assertEquals(0.0625 * 0.0625, m.get(0, 1), 1e-9);
            Distance.EUCLIDEAN.pairwise(x, m);
            assertEquals(0.0625, m.get(0, 1), 1e-7);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Random rnd = new Random(5);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 3};
        Tensor x = random(rnd, 10, 4, 0.7);
        BatchHardTripletLoss[] hard = {
            BatchHardTripletLoss.builder().margin(0.5).build(),
            BatchHardTripletLoss.builder().softMargin(true).distance(Distance.SQUARED).build(),
            BatchHardTripletLoss.builder().distance(Distance.COSINE).normalize(true).build(),
            BatchHardTripletLoss.builder().margin(0.3).normalize(true).build()};
        for (BatchHardTripletLoss l : hard) {
            try (Tensor g = Tensor.zeros(10, 4)) {
                l.forward(x, y, g);
                checkGradient(x, t -> l.forward(t, y, null).loss(), g.toArray(), "batch-hard");
            }
        }
        for (BatchAllTripletLoss.Mode mode : BatchAllTripletLoss.Mode.values()) {
            BatchAllTripletLoss l = BatchAllTripletLoss.builder().mode(mode).margin(0.5).normalize(true).build();
            try (Tensor g = Tensor.zeros(10, 4)) {
                l.forward(x, y, g);
                checkGradient(x, t -> l.forward(t, y, null).loss(), g.toArray(), "batch-all " + mode);
            }
        }
        for (Distance dist : Distance.values()) {
            SemiHardTripletLoss l = SemiHardTripletLoss.builder().margin(0.5).distance(dist).build();
            try (Tensor g = Tensor.zeros(10, 4)) {
                l.forward(x, y, g);
                checkGradient(x, t -> l.forward(t, y, null).loss(), g.toArray(), "semi-hard " + dist);
            }
        }
        BatchAllTripletLoss softAll = BatchAllTripletLoss.builder().softMargin(true).distance(Distance.SQUARED).build();
        try (Tensor g = Tensor.zeros(10, 4)) {
            softAll.forward(x, y, g);
            checkGradient(x, t -> softAll.forward(t, y, null).loss(), g.toArray(), "batch-all soft");
        }
        SemiHardTripletLoss softSemi = SemiHardTripletLoss.builder().softMargin(true).normalize(true).build();
        try (Tensor g = Tensor.zeros(10, 4)) {
            softSemi.forward(x, y, g);
            checkGradient(x, t -> softSemi.forward(t, y, null).loss(), g.toArray(), "semi-hard soft");
        }
    }

    @Test
    void tripletMarginGradientsMatchFiniteDifferences() {
        Random rnd = new Random(9);
        Tensor a = random(rnd, 5, 3, 0.6);
        Tensor p = random(rnd, 5, 3, 0.6);
        Tensor n = random(rnd, 5, 3, 0.6);
        TripletMarginLoss[] losses = {
            TripletMarginLoss.builder().swap(true).build(),
            TripletMarginLoss.builder().p(3).reduction(Reduction.SUM).build(),
            TripletMarginLoss.builder().distance(Distance.COSINE).margin(0.5).swap(true).build()};
        for (TripletMarginLoss l : losses) {
            try (Tensor ga = Tensor.zeros(5, 3); Tensor gp = Tensor.zeros(5, 3); Tensor gn = Tensor.zeros(5, 3)) {
                l.forward(a, p, n, ga, gp, gn, null);
                checkGradient(a, t -> l.forward(t, p, n, null, null, null, null), ga.toArray(), "anchor");
                checkGradient(p, t -> l.forward(a, t, n, null, null, null, null), gp.toArray(), "positive");
                checkGradient(n, t -> l.forward(a, p, t, null, null, null, null), gn.toArray(), "negative");
            }
        }
    }

    @Test
    void anchorsWithoutPositiveOrNegativeAreSkipped() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 4, 3, 1.0);
        int[] y = {0, 1, 1, 2};
        try (Tensor g = Tensor.zeros(4, 3)) {
            TripletLossResult r = BatchHardTripletLoss.builder().build().forward(x, y, g);
            assertEquals(2, r.statistics().validAnchors());
            assertArrayEquals(new int[] {-1, 2, 1, -1}, r.positives());
            assertEquals(-1, r.negatives()[0]);
            assertEquals(-1, r.negatives()[3]);
        }
        // a single sample: nothing valid, loss 0 and zero gradient
        try (Tensor one = random(rnd, 1, 3, 1.0); Tensor g = Tensor.zeros(1, 3).fill(7f)) {
            TripletLossResult r = BatchHardTripletLoss.builder().build().forward(one, new int[] {4}, g);
            assertEquals(0, r.loss());
            assertEquals(0, r.statistics().validAnchors());
            assertArrayEquals(new int[] {-1}, r.positives());
            assertArrayEquals(new float[3], g.toArray());
            assertEquals(0, BatchAllTripletLoss.builder().build().forward(one, new int[] {4}, g).loss());
            assertEquals(0, SemiHardTripletLoss.builder().build().forward(one, new int[] {4}, g).loss());
        }
        // one identity only: no negatives anywhere
        try (Tensor g = Tensor.zeros(4, 3)) {
            assertEquals(0, SemiHardTripletLoss.builder().build().forward(x, new int[] {1, 1, 1, 1}, g).loss());
            assertArrayEquals(new float[12], g.toArray());
        }
    }

    @ParameterizedTest
    @EnumSource(Distance.class)
    void collapsedEmbeddingsRaiseTheAlarmWithFiniteGradients(Distance dist) {
        float[] v = new float[6 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.5f + (i % 3) * 0.25f;
        }
        int[] y = {0, 0, 1, 1, 2, 2};
        try (Tensor x = Tensor.of(v, 6, 3); Tensor g = Tensor.zeros(6, 3)) {
            TripletLossResult[] rs = {
                BatchHardTripletLoss.builder().distance(dist).build().forward(x, y, g),
                BatchHardTripletLoss.builder().distance(dist).normalize(true).softMargin(true).build().forward(x, y, g),
                BatchAllTripletLoss.builder().distance(dist).build().forward(x, y, g),
                SemiHardTripletLoss.builder().distance(dist).build().forward(x, y, g)};
            for (TripletLossResult r : rs) {
                assertTrue(r.statistics().collapsed(), dist + " collapse flag");
                assertTrue(Double.isFinite(r.loss()));
                assertEquals(1.0, r.statistics().activeFraction(), 1e-12);
            }
            for (float f : g.toArray()) {
                assertTrue(Float.isFinite(f), dist + " gradient " + f);
            }
        }
        try (Tensor x = random(new Random(1), 6, 3, 1.0)) {
            assertFalse(BatchHardTripletLoss.builder().distance(dist).build().forward(x, y, null)
                    .statistics().collapsed());
        }
    }

    @Test
    void batchHardStatistics() {
        Random rnd = new Random(21);
        Tensor x = random(rnd, 8, 3, 1.0);
        int[] y = {0, 0, 1, 1, 2, 2, 3, 3};
        TripletLossResult r = BatchHardTripletLoss.builder().margin(0.4).build().forward(x, y, null);
        double sumAp = 0;
        double sumAn = 0;
        double maxAp = 0;
        double minAn = Double.MAX_VALUE;
        int active = 0;
        for (int a = 0; a < 8; a++) {
            double dap = dist(x, a, r.positives()[a]);
            double dan = dist(x, a, r.negatives()[a]);
            sumAp += dap;
            sumAn += dan;
            maxAp = Math.max(maxAp, dap);
            minAn = Math.min(minAn, dan);
            active += dap - dan + 0.4 > 1e-5 ? 1 : 0;
        }
        MiningStatistics s = r.statistics();
        assertEquals(8, s.validAnchors());
        assertEquals(8, s.triplets());
        assertEquals(sumAp / 8, s.meanPositiveDistance(), 1e-6);
        assertEquals(sumAn / 8, s.meanNegativeDistance(), 1e-6);
        assertEquals(maxAp, s.hardestPositiveDistance(), 1e-6);
        assertEquals(minAn, s.hardestNegativeDistance(), 1e-6);
        assertEquals(active / 8.0, s.activeFraction(), 1e-12);
    }

    private static double dist(Tensor x, int i, int j) {
        double s = 0;
        for (int k = 0; k < x.dim(1); k++) {
            double t = x.get(i, k) - x.get(j, k);
            s += t * t;
        }
        return Math.sqrt(s + 1e-12);
    }

    /**
     * Positives are symmetric, so one positive pair and one negative give the two triplets (0, 1, 2) and
     * (1, 0, 2): batch-all MEAN equals the explicit loss over both (gradients included) and, when exactly one of
     * them is active, POSITIVE_MEAN equals that single explicit triplet loss.
     */
    @ParameterizedTest
    @EnumSource(Distance.class)
    void batchAllEqualsExplicitTriplets(Distance dist) {
        Random rnd = new Random(31 + dist.ordinal());
        int single = 0;
        for (int trial = 0; trial < 40; trial++) {
            float[] v = random(rnd, 3, 4, 0.5).toArray();
            float[] av = new float[8];
            float[] pv = new float[8];
            float[] nv = new float[8];
            System.arraycopy(v, 0, av, 0, 4);
            System.arraycopy(v, 4, av, 4, 4);
            System.arraycopy(v, 4, pv, 0, 4);
            System.arraycopy(v, 0, pv, 4, 4);
            System.arraycopy(v, 8, nv, 0, 4);
            System.arraycopy(v, 8, nv, 4, 4);
            int[] y = {7, 7, 2};
            TripletMarginLoss tml = TripletMarginLoss.builder().distance(dist).margin(0.3).build();
            try (Tensor x = Tensor.of(v, 3, 4); Tensor gx = Tensor.zeros(3, 4); Tensor a = Tensor.of(av, 2, 4);
                    Tensor p = Tensor.of(pv, 2, 4); Tensor n = Tensor.of(nv, 2, 4); Tensor ga = Tensor.zeros(2, 4);
                    Tensor gp = Tensor.zeros(2, 4); Tensor gn = Tensor.zeros(2, 4); Tensor each = Tensor.zeros(2)) {
                double mean = tml.forward(a, p, n, ga, gp, gn, each);
                TripletLossResult r = BatchAllTripletLoss.builder().distance(dist).margin(0.3)
                        .mode(BatchAllTripletLoss.Mode.MEAN).build().forward(x, y, gx);
                assertEquals(mean, r.loss(), 1e-12, "trial " + trial);
                assertEquals(2, r.statistics().triplets());
                float[] g = gx.toArray();
                for (int k = 0; k < 4; k++) {
                    assertEquals(ga.get(0, k) + gp.get(1, k), g[k], 1e-6);
                    assertEquals(gp.get(0, k) + ga.get(1, k), g[4 + k], 1e-6);
                    assertEquals(gn.get(0, k) + gn.get(1, k), g[8 + k], 1e-6);
                }
                float l0 = each.get(0);
                float l1 = each.get(1);
                if ((l0 > 0) != (l1 > 0)) {
                    single++;
                    try (Tensor a1 = Tensor.of(l0 > 0 ? new float[] {v[0], v[1], v[2], v[3]}
                            : new float[] {v[4], v[5], v[6], v[7]}, 1, 4);
                            Tensor p1 = Tensor.of(l0 > 0 ? new float[] {v[4], v[5], v[6], v[7]}
                                    : new float[] {v[0], v[1], v[2], v[3]}, 1, 4);
                            Tensor n1 = Tensor.of(new float[] {v[8], v[9], v[10], v[11]}, 1, 4)) {
                        double explicit = tml.forward(a1, p1, n1, null, null, null, null);
                        TripletLossResult rp = BatchAllTripletLoss.builder().distance(dist).margin(0.3).build()
                                .forward(x, y, null);
                        assertEquals(explicit, rp.loss(), 1e-12, "single active triplet, trial " + trial);
                        assertEquals(0.5, rp.statistics().activeFraction(), 1e-12);
                    }
                }
            }
        }
        assertTrue(single > 0, "no trial with exactly one active triplet");
    }
}
