package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad inputs give IllegalArgumentException messages naming the offending value, position or shapes. */
class SoftmaxLossValidationTest {

    static void assertMessage(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), () -> "'" + ex.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void labelOutOfRangeNamesValueAndPosition() {
        SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.builder().ignoreIndex(255).build();
        try (Tensor x = Tensor.zeros(2, 3, 2, 2); Tensor y = Tensor.zeros(2, 2, 2)) {
            y.set(7f, 1, 0, 1);
            assertMessage(() -> ce.loss(x, y), "7.0", "[1, 0, 1]", "[0, 3)", "255");
            y.set(-100f, 1, 0, 1); // default ignore index, but this loss ignores 255
            assertMessage(() -> ce.gradient(x, y), "-100.0", "[1, 0, 1]");
            y.set(1.5f, 1, 0, 1);
            assertMessage(() -> ce.value(x, y), "1.5");
            y.set(255f, 1, 0, 1);
            ce.value(x, y); // ignored: fine
        }
        try (Tensor h = Tensor.zeros(3, 3); Tensor x = Tensor.zeros(4, 3); Tensor y = Tensor.zeros(4)) {
            InfogainLoss ig = InfogainLoss.builder(h).build();
            y.setFlat(2, 255f); // no ignore label set
            assertMessage(() -> ig.value(x, y), "255.0", "[2]");
        }
    }

    @Test
    void shapeMismatchNamesShapes() {
        SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.defaults();
        try (Tensor x = Tensor.zeros(2, 3, 4, 5); Tensor y = Tensor.zeros(2, 5, 4); Tensor x3 = Tensor.zeros(2, 3, 4);
                Tensor f = Tensor.zeros(6, 3); Tensor fy = Tensor.zeros(5)) {
            assertMessage(() -> ce.loss(x, y), "[2, 5, 4]", "[2, 3, 4, 5]");
            assertMessage(() -> ce.loss(x3, y), "[2, 3, 4]");
            assertMessage(() -> ce.loss(f, fy), "[5]", "[6, 3]");
            SoftmaxCrossEntropy w = SoftmaxCrossEntropy.builder().weights(new float[] {1, 1}).build();
            try (Tensor ok = Tensor.zeros(6)) {
                assertMessage(() -> w.loss(f, ok), "2", "[6, 3]");
            }
        }
        try (Tensor h = Tensor.zeros(4, 4); Tensor x = Tensor.zeros(6, 3); Tensor y = Tensor.zeros(6)) {
            InfogainLoss ig = InfogainLoss.builder(h).build();
            assertMessage(() -> ig.value(x, y), "[6, 3]", "[4, 4]");
        }
    }

    @Test
    void negativeOrNonFiniteWeightsRejected() {
        assertMessage(() -> SoftmaxCrossEntropy.builder().weights(new float[] {1, -0.5f}), "class 1", "-0.5");
        assertMessage(() -> SoftmaxCrossEntropy.builder().weights(new float[] {Float.NaN}), "NaN");
        assertMessage(() -> SoftmaxCrossEntropy.builder().labelSmoothing(1.5), "1.5");
        assertMessage(() -> SoftmaxCrossEntropy.builder().reduction(Reduction.MEAN_PER_IMAGE), "MEAN_PER_IMAGE");
    }

    @Test
    void infogainMatrixMustBeSquare() {
        try (Tensor h = Tensor.zeros(3, 4); Tensor h3 = Tensor.zeros(3, 3, 3); Tensor bad = Tensor.zeros(2, 2)) {
            assertMessage(() -> InfogainLoss.builder(h), "L x L", "[3, 4]");
            assertMessage(() -> InfogainLoss.builder(h3), "[3, 3, 3]");
            bad.set(Float.POSITIVE_INFINITY, 1, 0);
            assertMessage(() -> InfogainLoss.builder(bad), "H[1, 0]", "Infinity");
        }
    }

    @Test
    void nanLogitsRejected() {
        try (Tensor x = Tensor.zeros(1, 3, 2, 2); Tensor y = Tensor.zeros(1, 2, 2); Tensor h = Tensor.zeros(3, 3)) {
            x.set(Float.NaN, 0, 2, 1, 0);
            assertMessage(() -> SoftmaxCrossEntropy.defaults().loss(x, y), "NaN", "[0, 2, 1, 0]");
            assertMessage(() -> InfogainLoss.builder(h).build().gradient(x, y), "NaN", "[0, 2, 1, 0]");
        }
    }
}
