package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;

class BceClassWeightsTest {
    @Test
    void posWeightFromClassWeightsIsTheirRatio() {
        try (Tensor mask = Tensor.of(new float[] {0, 0, 0, 1}, 1, 1, 2, 2);
             Tensor logits = Tensor.of(new float[] {0.3f, -1f, 2f, -0.5f}, 1, 1, 2, 2);
             Tensor g1 = Tensor.zeros(1, 1, 2, 2); Tensor g2 = Tensor.zeros(1, 1, 2, 2)) {
            ClassWeights w = ClassWeightEstimator.cumulative(2).add(mask).weights(ClassWeightRule.INVERSE);
            BinaryCrossEntropy fromWeights = BinaryCrossEntropy.builder().posWeight(w).build();
            assertArrayEquals(new float[] {w.weight(1) / w.weight(0)}, fromWeights.posWeight());
            assertEquals(3f, fromWeights.posWeight()[0], 1e-6f, "3 background pixels per object pixel");
            float a = fromWeights.forward(logits, mask, g1);
            float b = BinaryCrossEntropy.builder().posWeight(new float[] {3f}).build().forward(logits, mask, null, null,
                    g2, null);
            assertEquals(b, a, 1e-6f);
            assertArrayEquals(g2.toArray(), g1.toArray(), 1e-7f);
        }
        ClassWeights three = ClassWeights.of(ClassWeightRule.INVERSE, new double[] {5, 3, 2}, 100f);
        assertThrows(IllegalArgumentException.class, () -> BinaryCrossEntropy.builder().posWeight(three));
    }
}
