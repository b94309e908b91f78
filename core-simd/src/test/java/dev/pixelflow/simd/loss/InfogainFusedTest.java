package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused infogain forward writes the same gradient as {@code gradient()} into a caller's (dirty) buffer. */
class InfogainFusedTest {
    @Test
    void fusedForwardMatchesValueAndGradient() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[2 * 3 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 6 - 3);
        }
        float[] y = {0, 2, 1, 7, 2, 1, 1, 0, 7, 2}; // 7 = ignored
        float[] h = {1, 0.2f, 0, 0.1f, 2, 0.3f, 0, 0.5f, 3};
        try (Tensor logits = Tensor.of(x, 2, 3, 1, 5); Tensor labels = Tensor.of(y, 2, 1, 5); Tensor hm = Tensor.of(h, 3, 3);
             Tensor grad = Tensor.zeros(2, 3, 1, 5)) {
            InfogainLoss loss = InfogainLoss.builder(hm).ignoreLabel(7).build();
            grad.fill(Float.NaN);
            double fused = loss.forward(logits, labels, grad);
            assertEquals(loss.value(logits, labels), fused, 0.0);
            try (Tensor g = loss.gradient(logits, labels)) {
                assertArrayEquals(g.toArray(), grad.toArray());
            }
            assertEquals(0f, grad.get(0, 1, 0, 3), "ignored pixel gets a zero gradient");
            try (Tensor wrong = Tensor.zeros(2, 3, 1, 4)) {
                assertThrows(IllegalArgumentException.class, () -> loss.forward(logits, labels, wrong));
            }
        }
    }
}
