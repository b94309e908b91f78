package dev.pixelflow.simd.mining;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.Reduction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments are rejected with messages naming shapes, values and positions. */
class TripletValidationTest {

    private static void rejects(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void batchLossesRejectBadInput() {
        BatchHardTripletLoss hard = BatchHardTripletLoss.builder().build();
        BatchAllTripletLoss all = BatchAllTripletLoss.builder().build();
        SemiHardTripletLoss semi = SemiHardTripletLoss.builder().build();
        try (Tensor x = Tensor.zeros(4, 3); Tensor g = Tensor.zeros(4, 2); Tensor bad = Tensor.zeros(4, 3);
                Tensor r3 = Tensor.zeros(2, 2, 3)) {
            bad.set(Float.NaN, 2, 1);
            rejects(() -> hard.forward(x, new int[3], null), "3 labels", "4 embeddings");
            rejects(() -> all.forward(x, new int[5], null), "5 labels");
            rejects(() -> semi.forward(x, null, null), "labels are null");
            rejects(() -> hard.forward(x, new int[4], g), "grad", "[4, 3]", "[4, 2]");
            rejects(() -> hard.forward(bad, new int[4], null), "NaN", "row 2", "column 1");
            rejects(() -> semi.forward(bad, new int[4], null), "NaN");
            rejects(() -> all.forward(r3, new int[2], null), "[N, D]");
            rejects(() -> hard.forward(null, new int[4], null), "null");
        }
        rejects(() -> BatchHardTripletLoss.builder().margin(-1), "margin", "-1");
        rejects(() -> BatchAllTripletLoss.builder().margin(Double.NaN), "margin", "NaN");
        rejects(() -> SemiHardTripletLoss.builder().distance(null), "distance");
        rejects(() -> BatchAllTripletLoss.builder().mode(null), "mode");
    }

    @Test
    void distanceRejectsBadShapes() {
        try (Tensor x = Tensor.zeros(4, 3); Tensor out = Tensor.zeros(4, 3); Tensor g = Tensor.zeros(4, 4)) {
            rejects(() -> Distance.EUCLIDEAN.pairwise(x, out), "out", "[4, 4]", "[4, 3]");
            rejects(() -> Distance.COSINE.backward(x, out, g), "gradDistances");
            rejects(() -> Distance.SQUARED.backward(x, g, g), "gradX", "[4, 3]");
        }
    }

    @Test
    void tripletMarginLossRejectsBadInput() {
        TripletMarginLoss l = TripletMarginLoss.builder().build();
        try (Tensor a = Tensor.zeros(3, 4); Tensor p = Tensor.zeros(3, 4); Tensor n5 = Tensor.zeros(3, 5);
                Tensor n = Tensor.zeros(3, 4); Tensor g = Tensor.zeros(3, 5); Tensor none = Tensor.zeros(2)) {
            rejects(() -> l.forward(a, p, n5, null, null, null, null), "[3, 4]", "[3, 5]");
            rejects(() -> l.forward(a, p, n, g, null, null, null), "gradAnchor");
            rejects(() -> l.forward(a, p, n, null, null, null, none), "perTriplet", "[3]");
            n.set(Float.POSITIVE_INFINITY, 1, 0);
            rejects(() -> l.forward(a, p, n, null, null, null, null), "negative", "Infinity", "row 1");
        }
        rejects(() -> TripletMarginLoss.builder().p(0.5), "p", "0.5");
        rejects(() -> TripletMarginLoss.builder().eps(-1), "eps");
        rejects(() -> TripletMarginLoss.builder().reduction(Reduction.MEAN_PER_IMAGE), "MEAN_PER_IMAGE");
    }
}
