package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.BinaryCrossEntropyGoldenTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;

/** Keras {@code BinaryCrossentropy} check values (SEMANTICS.md), and clipping / smoothing. */
class BinaryCrossEntropyProbabilitiesTest {

    private static final float[] Y = {0, 1, 0, 0};
    private static final float[] P = {0.6f, 0.4f, 0.4f, 0.6f};

    private static BinaryCrossEntropyProbabilities loss(Reduction r) {
        return BinaryCrossEntropyProbabilities.builder().reduction(r).build();
    }

    @Test
    void kerasMeanSumAndPerSample() {
        try (Tensor y = Tensor.of(Y, 2, 2); Tensor p = Tensor.of(P, 2, 2); Tensor map = Tensor.zeros(2, 2)) {
            assertEquals(0.815, loss(Reduction.MEAN).forward(p, y), 5e-4);
            assertEquals(0.815, loss(Reduction.MEAN_PER_IMAGE).forward(p, y), 5e-4);
            assertEquals(1.630, loss(Reduction.MEAN).kerasSum(p, y), 5e-4);
            assertEquals(3.260, loss(Reduction.SUM).forward(p, y), 1e-3, "SUM is over elements: 2 x Keras sum");
            loss(Reduction.NONE).forward(p, y, null, null, null, map);
            assertEquals(0.916, (map.getFlat(0) + map.getFlat(1)) / 2, 5e-4);
            assertEquals(0.714, (map.getFlat(2) + map.getFlat(3)) / 2, 5e-4);
            // exact float64 values
            double s0 = (-Math.log(0.4) - Math.log(0.4)) / 2;
            double s1 = (-Math.log(0.6) - Math.log(0.4)) / 2;
            assertClose((s0 + s1) / 2, loss(Reduction.MEAN).forward(p, y), "mean");
        }
    }

    @Test
    void clipsAndSmooths() {
        try (Tensor y = Tensor.of(new float[] {1, 0}, 1, 2); Tensor p = Tensor.of(new float[] {0, 0}, 1, 2);
                Tensor grad = Tensor.zeros(1, 2)) {
            float v = loss(Reduction.SUM).forward(p, y, null, null, grad, null);
            assertClose(-Math.log(1e-7f) - Math.log1p(-(double) 1e-7f), v, "clipped at 1e-7");
            assertTrue(Float.isFinite(grad.getFlat(0)));
            assertEquals(0f, grad.getFlat(0), "no gradient where clipped");
            float s = 0.2f;
            float smoothed = BinaryCrossEntropyProbabilities.builder().reduction(Reduction.SUM).labelSmoothing(s)
                    .build().forward(p, y);
            double lo = 1e-7f;
            double y1 = 1 - 0.5 * s;
            double y0 = 0.5 * s;
            double expected = -(y1 * Math.log(lo) + (1 - y1) * Math.log(1 - lo))
                    - (y0 * Math.log(lo) + (1 - y0) * Math.log(1 - lo));
            assertClose(expected, smoothed, "label smoothing y' = y(1-s) + s/2");
        }
    }
}
