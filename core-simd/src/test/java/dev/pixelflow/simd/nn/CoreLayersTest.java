package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Conv2dSpec;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreLayersTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    @Test
    void conv2dGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(Conv2d.same(3, 4, 3), new int[] {2, 3, 7, 5}, 1);
        LayerChecks.checkGradients(Conv2d.builder(4, 6, 3).stride(2).padding(1).bias(false).build(),
                new int[] {1, 4, 9, 8}, 2);
        LayerChecks.checkGradients(Conv2d.builder(4, 6, 3).spec(Conv2dSpec.of(1, 1).withGroups(2)).build(),
                new int[] {2, 4, 5, 5}, 3);
    }

    @Test
    void activationGradientsMatchFiniteDifferences() {
        for (Activation a : List.of(Activation.TANH, Activation.SIGMOID, Activation.leakyRelu(0.1f),
                Activation.IDENTITY)) {
            LayerChecks.checkGradients(ActivationLayer.of(a), new int[] {2, 3, 4, 5}, 4);
        }
    }

    @Test
    void sequentialChainsGradientsAndNamesParameters() {
        Sequential net = Sequential.of(Conv2d.same(2, 3, 3), ActivationLayer.tanh(), Conv2d.same(3, 1, 1));
        LayerChecks.checkGradients(net, new int[] {2, 2, 6, 7}, 5);
        try (Model m = Model.create(Sequential.of(Conv2d.same(2, 3, 3), ActivationLayer.tanh(),
                Conv2d.same(3, 1, 1)), 1)) {
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                    List.copyOf(m.namedParameters().keySet()));
            assertEquals(3 * 2 * 9 + 3 + 3 + 1, m.parameterCount());
        }
    }

    @Test
    void badInputNamesTheLayerAndLayout() {
        try (Model m = Model.create(Sequential.of(Conv2d.same(3, 4, 3)), 1); Pass p = m.newPass(OPS);
             Tensor x = Tensor.zeros(1, 2, 5, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.forward(x, true, 0));
            assertTrue(e.getMessage().contains("[B, 3, H, W]") && e.getMessage().contains("[1, 2, 5, 5]"),
                    e.getMessage());
        }
    }

    @Test
    void aLayerBelongsToOneModelAndAppearsOnce() {
        Conv2d conv = Conv2d.same(1, 1, 3);
        assertThrows(IllegalArgumentException.class, () -> Model.create(Sequential.of(conv, conv), 1));
        try (Model m = Model.create(conv, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.create(conv, 1));
            assertTrue(e.getMessage().contains("already belongs"), e.getMessage());
            try (Model other = Model.create(Conv2d.same(1, 1, 3), 1)) {
                assertThrows(IllegalArgumentException.class, () -> other.value(conv.weight()));
            }
            assertEquals(9, m.value(conv.weight()).size());
        }
    }

    @Test
    void initializationIsDeterministicPerNameAndHeScaled() {
        try (Model a = Model.create(Conv2d.builder(64, 64, 3).build(), 7);
             Model b = Model.create(Conv2d.builder(64, 64, 3).build(), 7);
             Model c = Model.create(Conv2d.builder(64, 64, 3).build(), 8)) {
            assertArrayEquals(a.values().toArray(), b.values().toArray());
            assertNotEquals(a.values().getFlat(0), c.values().getFlat(0));
            float[] w = a.value(a.parameters().get(0)).toArray();
            double ss = 0;
            for (float v : w) {
                ss += v * v;
            }
            double std = Math.sqrt(ss / w.length);
            assertEquals(Math.sqrt(2.0 / (64 * 9)), std, 0.05 * std, "He-normal std");
            assertEquals(0f, a.value(a.parameters().get(1)).getFlat(0), "bias starts at zero");
        }
    }

    @Test
    void snapshotsAreImmutableCopiesThatRunWhileTrainingContinues() {
        try (Model m = Model.create(Sequential.of(Conv2d.same(1, 2, 3), ActivationLayer.tanh()), 3);
             Pass train = m.newPass(OPS); Tensor x = LayerChecks.random(new int[] {1, 1, 6, 6},
                     new java.util.SplittableRandom(1), 1f)) {
            ModelSnapshot s = m.snapshot(5);
            float[] before;
            try (Pass infer = s.newPass(OPS)) {
                before = infer.predict(x).toArray();
                assertThrows(IllegalStateException.class, () -> infer.forward(x, true, 0));
            }
            m.values().fill(0.5f);
            try (Pass infer = s.newPass(OPS)) {
                assertArrayEquals(before, infer.predict(x).toArray(), "snapshot unaffected by later updates");
            }
            assertFalse(java.util.Arrays.equals(before, train.forward(x, false, 0).toArray()),
                    "the live model runs its new weights");
            m.restore(s);
            assertArrayEquals(before, train.forward(x, false, 0).toArray(), "restored from the snapshot");
        }
    }

    @Test
    void backwardNeedsATrainingForward() {
        try (Model m = Model.create(Conv2d.same(1, 1, 3), 1); Pass p = m.newPass(OPS);
             Tensor x = Tensor.zeros(1, 1, 4, 4); Tensor dy = Tensor.zeros(1, 1, 4, 4)) {
            assertThrows(IllegalStateException.class, () -> p.backward(dy));
            p.forward(x, false, 0);
            assertThrows(IllegalStateException.class, () -> p.backward(dy));
            p.forward(x, true, 0);
            try (Tensor wrong = Tensor.zeros(1, 1, 4, 5)) {
                assertThrows(IllegalArgumentException.class, () -> p.backward(wrong));
            }
            p.backward(dy);
            assertThrows(IllegalStateException.class, () -> p.backward(dy));
        }
    }
}
