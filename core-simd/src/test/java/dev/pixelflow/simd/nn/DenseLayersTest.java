package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseLayersTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    @Test
    void denseGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(Dense.of(7, 5), new int[] {3, 7}, 51);
        LayerChecks.checkGradients(Dense.builder(13, 1).bias(false).xavier().build(), new int[] {1, 13}, 52);
        LayerChecks.checkGradients(Dense.of(35, 3), new int[] {2, 1, 7, 5}, 53); // rank 4 read as [B, 35]
    }

    @Test
    void denseComputesXWTransposedPlusBias() {
        Dense d = Dense.of(3, 2);
        try (Model m = Model.create(d, 1); Pass p = m.newPass(OPS); Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0,
                0.5f}, 2, 3)) {
            m.value(d.weight()).copyFrom(new float[] {1, 0, -1, 0.5f, 0.25f, 2});
            m.value(d.bias()).copyFrom(new float[] {0.1f, -0.1f});
            Tensor y = p.predict(x);
            assertArrayEquals(new float[] {1 - 3 + 0.1f, 0.5f + 0.5f + 6 - 0.1f, -1 - 0.5f + 0.1f,
                    -0.5f + 1 - 0.1f}, y.toArray(), 1e-6f);
        }
        assertArrayEquals(new int[] {4, 2}, d.outputShape(new int[] {4, 3}));
        assertArrayEquals(new int[] {4, 2}, d.outputShape(new int[] {4, 3, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.outputShape(new int[] {4, 5}));
        assertTrue(e.getMessage().contains("Dense(3->2)") && e.getMessage().contains("[B, 3]")
                && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.outputShape(new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> Dense.of(0, 2));
    }

    @Test
    void denseInitializersHaveTheDocumentedScale() {
        Dense he = Dense.of(400, 300);
        Dense xavier = Dense.builder(400, 300).xavier().build();
        try (Model a = Model.create(he, 3); Model b = Model.create(xavier, 3)) {
            assertEquals(Math.sqrt(2.0 / 400), std(a.value(he.weight()).toArray()), 0.03 * Math.sqrt(2.0 / 400));
            assertEquals(Math.sqrt(2.0 / 700), std(b.value(xavier.weight()).toArray()), 0.03 * Math.sqrt(2.0 / 700));
            assertEquals(List.of("weight", "bias"), List.copyOf(a.namedParameters().keySet()));
        }
    }

    private static double std(float[] w) {
        double ss = 0;
        for (float v : w) {
            ss += (double) v * v;
        }
        return Math.sqrt(ss / w.length);
    }

    @Test
    void rbfGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(Rbf.of(5, 7), new int[] {3, 5}, 61);
        LayerChecks.checkGradients(Rbf.builder(13, 3).gamma(0.2).build(), new int[] {1, 13}, 62);
        LayerChecks.checkGradients(Rbf.builder(2, 4).gamma(3).centers(Initializer.uniform(-0.5f, 0.5f)).build(),
                new int[] {3, 2}, 63);
    }

    @Test
    void rbfComputesGaussiansOfTheDistanceWithPositiveWidths() {
        Rbf rbf = Rbf.builder(2, 2).gamma(0.5).build();
        try (Model m = Model.create(rbf, 1); Pass p = m.newPass(OPS); Tensor x = Tensor.of(new float[] {1, 2, 0, 0},
                2, 2)) {
            m.value(rbf.centers()).copyFrom(new float[] {0, 0, 1, 1});
            assertEquals(Math.log(0.5), m.value(rbf.logGamma()).getFlat(0), 1e-7);
            m.value(rbf.logGamma()).copyFrom(new float[] {(float) Math.log(0.5), -20f}); // gamma stays > 0
            Tensor y = p.predict(x);
            float g1 = (float) Math.exp(-20);
            assertArrayEquals(new float[] {(float) Math.exp(-0.5 * 5), (float) Math.exp(-g1 * 1), 1f,
                    (float) Math.exp(-g1 * 2)}, y.toArray(), 1e-6f);
        }
        try (Model m = Model.create(Rbf.of(3, 4), 2)) {
            float[] c = m.value(m.parameters().get(0)).toArray();
            for (float v : c) {
                assertTrue(v >= -1 && v <= 1, "centers start in U(-1, 1)");
            }
            assertEquals(List.of("centers", "logGamma"), List.copyOf(m.namedParameters().keySet()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rbf.of(3, 4).outputShape(new int[] {2, 3, 1}));
        assertTrue(e.getMessage().contains("Rbf(3->4)") && e.getMessage().contains("[B, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rbf.builder(3, 4).gamma(0));
    }

    @Test
    void mlpWithRbfHeadChainsGradients() {
        Sequential net = Sequential.of(Flatten.create(), Dense.builder(35, 6).xavier().build(),
                ActivationLayer.tanh(), Rbf.of(6, 3));
        LayerChecks.checkGradients(net, new int[] {3, 1, 7, 5}, 64);
    }

    @Test
    void snapshotInferenceRunsTheNewLayers() {
        try (Model m = Model.create(Sequential.of(Dense.of(4, 3), Dropout.of(0.5), Rbf.of(3, 2)), 9);
             Pass train = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {2, 4}, new SplittableRandom(1), 1f)) {
            float[] live = train.predict(x).toArray();
            try (Pass infer = m.snapshot(1).newPass(OPS)) {
                assertArrayEquals(live, infer.predict(x).toArray());
            }
        }
    }
}
