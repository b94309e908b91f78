package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BinaryCrossEntropyValidationTest {

    private static void fails(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), ex.getMessage() + " should contain " + p);
        }
    }

    private static final BinaryCrossEntropy MEAN = BinaryCrossEntropy.builder().build();

    @Test
    void shapeMismatchNamesBothShapes() {
        try (Tensor x = Tensor.zeros(2, 3, 4, 5); Tensor y = Tensor.zeros(2, 3, 5, 4);
                Tensor g = Tensor.zeros(2, 3, 4, 4)) {
            fails(() -> MEAN.forward(x, y), "[2, 3, 5, 4]", "[2, 3, 4, 5]");
            fails(() -> MEAN.forward(x, x, null, null, g, null), "grad", "[2, 3, 4, 4]");
            fails(() -> BinaryCrossEntropy.builder().reduction(Reduction.NONE).build().forward(x, x), "lossMap");
        }
    }

    @Test
    void badWeightsAndPosWeights() {
        try (Tensor x = Tensor.zeros(1, 2, 2, 2); Tensor y = Tensor.zeros(1, 2, 2, 2);
                Tensor w = Tensor.zeros(1, 2, 2, 2)) {
            w.set(-1f, 0, 1, 0, 1);
            fails(() -> MEAN.forward(x, y, w, null, null, null), "weight", "-1.0", "[0, 1, 0, 1]");
            fails(() -> BinaryCrossEntropy.builder().posWeight(new float[] {1, 2, 3}).build().forward(x, y),
                    "posWeight has 3", "2 channels");
            fails(() -> BinaryCrossEntropy.builder().posWeight(new float[] {1, -2}), "-2.0", "channel 1");
            fails(() -> BinaryCrossEntropy.builder().posWeight(new float[] {Float.NaN}), "NaN");
        }
    }

    @Test
    void nanLogitNamesThePositionAndNeverReachesTheGradient() {
        try (Tensor x = Tensor.zeros(2, 1, 2, 3); Tensor y = Tensor.zeros(2, 1, 2, 3);
                Tensor g = Tensor.zeros(2, 1, 2, 3); Tensor mask = Tensor.zeros(2, 1, 2, 3)) {
            x.set(Float.NaN, 1, 0, 1, 2);
            fails(() -> MEAN.forward(x, y, null, null, g, null), "logits", "NaN", "[1, 0, 1, 2]");
            for (float v : g.toArray()) {
                assertTrue(!Float.isNaN(v));
            }
            x.set(Float.POSITIVE_INFINITY, 1, 0, 1, 2);
            fails(() -> MEAN.forward(x, y), "Infinity");
            x.set(0f, 1, 0, 1, 2);
            y.set(2f, 0, 0, 0, 1);
            fails(() -> MEAN.forward(x, y), "target", "[0, 0, 0, 1]");
            mask.set(0.5f, 0, 0, 1, 0);
            fails(() -> MEAN.forward(x, x, null, mask, null, null), "ignoreMask", "0.5", "[0, 0, 1, 0]");
            try (Tensor flat = Tensor.zeros(4)) {
                fails(() -> MEAN.forward(flat, flat), "rank", "[4]");
            }
        }
    }

    @Test
    void badProbabilities() {
        BinaryCrossEntropyProbabilities l = BinaryCrossEntropyProbabilities.builder().build();
        try (Tensor p = Tensor.of(new float[] {0.5f, 1.5f}, 1, 2); Tensor y = Tensor.zeros(1, 2)) {
            fails(() -> l.forward(p, y), "probabilities", "1.5", "[0, 1]");
        }
        fails(() -> BinaryCrossEntropyProbabilities.builder().labelSmoothing(1.5f), "labelSmoothing");
        fails(() -> BinaryCrossEntropyProbabilities.builder().epsilon(0f), "epsilon");
    }
}
