package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Against PyTorch BCEWithLogitsLoss in float64 ({@code src/test/python/bce_golden.py}). */
class BinaryCrossEntropyGoldenTest {

    private static Tensor load(String name) throws IOException {
        try (InputStream in = BinaryCrossEntropyGoldenTest.class.getResourceAsStream("/bce/" + name + ".npy")) {
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

    @ParameterizedTest
    @ValueSource(strings = {"plain", "weighted", "posweight", "all", "extreme", "batch1", "odd", "masked"})
    void matchesPyTorch(String c) throws IOException {
        Tensor x = load(c + "_x");
        Tensor y = load(c + "_y");
        Tensor w = load(c + "_w");
        Tensor pw = load(c + "_pw");
        Tensor mask = load(c + "_mask");
        float[] losses = load(c + "_loss").toArray();
        Reduction[] reds = {Reduction.SUM, Reduction.MEAN, Reduction.MEAN_PER_IMAGE};
        String[] gradNames = {"sum", "mean", "mpi"};
        try (Tensor grad = Tensor.zeros(x.shape()); Tensor map = Tensor.zeros(x.shape())) {
            for (int r = 0; r < reds.length; r++) {
                BinaryCrossEntropy loss = BinaryCrossEntropy.builder().reduction(reds[r])
                        .posWeight(pw == null ? null : pw.toArray()).build();
                float value = loss.forward(x, y, w, mask, grad, map);
                assertClose(losses[r], value, c + " " + reds[r]);
                assertClose(load(c + "_grad_" + gradNames[r]).toArray(), grad.toArray(), c + " grad " + reds[r]);
                assertClose(load(c + "_map").toArray(), map.toArray(), c + " map " + reds[r]);
            }
            BinaryCrossEntropy none = BinaryCrossEntropy.builder().reduction(Reduction.NONE)
                    .posWeight(pw == null ? null : pw.toArray()).build();
            float sum = none.forward(x, y, w, mask, grad, map);
            assertClose(losses[0], sum, c + " NONE returns the sum");
            assertClose(load(c + "_map").toArray(), map.toArray(), c + " map NONE");
            assertClose(load(c + "_grad_sum").toArray(), grad.toArray(), c + " grad NONE");
        }
        assertArrayEquals(x.shape(), load(c + "_map").shape());
    }
}
