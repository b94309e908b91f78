package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.MseL1LossTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DiceLoss against a numpy float64 formula ({@code src/test/python/dice_golden.py}), FD gradients, bad input. */
class DiceLossTest {

    private static Tensor load(String name) throws IOException {
        try (InputStream in = DiceLossTest.class.getResourceAsStream("/dice/" + name + ".npy")) {
            return Npy.read(in, name);
        }
    }

    private static DiceLoss loss(String act, boolean bg) {
        return DiceLoss.builder().activation(DiceLoss.Activation.valueOf(act)).includeBackground(bg).build();
    }

    @ParameterizedTest
    @CsvSource({"softmax,SOFTMAX,true", "softmax_nobg,SOFTMAX,false", "sigmoid,SIGMOID,true",
            "sigmoid_soft,SIGMOID,true", "sigmoid_nobg,SIGMOID,false"})
    void matchesFormulaAndFiniteDifferences(String c, String act, boolean bg) throws IOException {
        Tensor x = load(c + "_x");
        Tensor y = load(c + "_y");
        DiceLoss d = loss(act, bg);
        try (Tensor g = Tensor.zeros(x.shape())) {
            assertClose(load(c + "_loss").getFlat(0), d.forward(x, y, g), c);
            assertClose(load(c + "_loss").getFlat(0), d.forward(x, y), c + " without grad");
            double h = 1e-2;
            for (int i = 0; i < x.size(); i++) {
                float orig = x.getFlat(i);
                x.setFlat(i, (float) (orig + h));
                double up = d.forward(x, y);
                x.setFlat(i, (float) (orig - h));
                double down = d.forward(x, y);
                x.setFlat(i, orig);
                double fd = (up - down) / (2 * h);
                assertTrue(Math.abs(fd - g.getFlat(i)) <= 2e-4 + 1e-2 * Math.abs(fd),
                        c + " at " + i + ": fd " + fd + " vs " + g.getFlat(i));
            }
        }
    }

    @Test
    void labelsEqualOneHot() throws IOException {
        Tensor x = load("softmax_x");
        Tensor y = load("softmax_y");
        int[] s = x.shape();
        try (Tensor labels = Tensor.zeros(s[0], s[2], s[3]); Tensor g1 = Tensor.zeros(s); Tensor g2 = Tensor.zeros(s)) {
            for (int b = 0; b < s[0]; b++) {
                for (int h = 0; h < s[2]; h++) {
                    for (int w = 0; w < s[3]; w++) {
                        for (int c = 0; c < s[1]; c++) {
                            if (y.get(b, c, h, w) == 1f) {
                                labels.set(c, b, h, w);
                            }
                        }
                    }
                }
            }
            DiceLoss d = loss("SOFTMAX", false);
            assertEquals(d.forward(x, y, g1), d.forwardLabels(x, labels, g2));
            MseL1LossTest.assertClose(g1.toArray(), g2.toArray(), "grad");
        }
    }

    @Test
    void perfectPredictionIsNearZeroAndEmptyClassScoresZero() {
        Random rnd = new Random(3);
        try (Tensor x = Tensor.zeros(1, 2, 4, 4); Tensor y = Tensor.zeros(1, 2, 4, 4)) {
            for (int j = 0; j < 16; j++) {
                int c = rnd.nextInt(2);
                y.setFlat(c * 16L + j, 1f);
                x.setFlat(c * 16L + j, 40f);
                x.setFlat((1 - c) * 16L + j, -40f);
            }
            float v = loss("SIGMOID", true).forward(x, y);
            assertTrue(v >= 0 && v < 1e-6, "" + v);
            y.fill(0f);
            x.fill(-80f);
            assertTrue(loss("SIGMOID", true).forward(x, y) < 1e-6);
        }
        try (Tensor x = Tensor.zeros(0, 2, 3, 3); Tensor y = Tensor.zeros(0, 2, 3, 3)) {
            assertEquals(0f, loss("SOFTMAX", true).forward(x, y));
        }
    }

    @Test
    void rejectsBadInput() {
        DiceLoss d = loss("SOFTMAX", true);
        try (Tensor x = Tensor.zeros(2, 3, 4, 4); Tensor y = Tensor.zeros(2, 3, 4, 5); Tensor ok = Tensor.zeros(2, 3, 4, 4);
                Tensor labels = Tensor.zeros(2, 4, 4); Tensor badLabels = Tensor.zeros(2, 3, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.forward(x, y));
            assertTrue(e.getMessage().contains("[2, 3, 4, 5]") && e.getMessage().contains("[2, 3, 4, 4]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> d.forwardLabels(x, badLabels, null));
            assertTrue(e.getMessage().contains("[2, 3, 4]"), e.getMessage());
            x.set(Float.NaN, 1, 2, 3, 0);
            e = assertThrows(IllegalArgumentException.class, () -> d.forward(x, ok));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 2, 3, 0]"), e.getMessage());
            x.fill(0f);
            ok.set(1.5f, 0, 1, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> d.forward(x, ok));
            assertTrue(e.getMessage().contains("1.5"), e.getMessage());
            labels.set(3f, 1, 2, 2);
            e = assertThrows(IllegalArgumentException.class, () -> d.forwardLabels(x, labels, null));
            assertTrue(e.getMessage().contains("[1, 2, 2]") && e.getMessage().contains("[0, 3)"), e.getMessage());
            labels.set(0.5f, 1, 2, 2);
            assertThrows(IllegalArgumentException.class, () -> d.forwardLabels(x, labels, null));
        }
        try (Tensor x = Tensor.zeros(1, 1, 2, 2); Tensor y = Tensor.zeros(1, 1, 2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> loss("SIGMOID", false).forward(x, y));
        }
        assertThrows(IllegalArgumentException.class, () -> DiceLoss.builder().smooth(0));
    }
}
