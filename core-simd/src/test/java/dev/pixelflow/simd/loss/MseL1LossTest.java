package dev.pixelflow.simd.loss;

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
import org.junit.jupiter.params.provider.ValueSource;

/** MseLoss and L1Loss against PyTorch float64 ({@code src/test/python/regression_golden.py}), FD and bad input. */
class MseL1LossTest {

    private static Tensor load(String name) throws IOException {
        try (InputStream in = MseL1LossTest.class.getResourceAsStream("/regression/" + name + ".npy")) {
            return Npy.read(in, name);
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

    private static float run(String loss, Reduction r, Tensor x, Tensor y, Tensor grad, Tensor map) {
        return loss.equals("mse") ? MseLoss.builder().reduction(r).build().forward(x, y, grad, map)
                : L1Loss.builder().reduction(r).build().forward(x, y, grad, map);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "batch1", "flat"})
    void matchesPyTorch(String c) throws IOException {
        Tensor x = load(c + "_x");
        Tensor y = load(c + "_y");
        for (String l : new String[] {"mse", "l1"}) {
            float[] losses = load(c + "_" + l + "_loss").toArray();
            float[] map = load(c + "_" + l + "_map").toArray();
            try (Tensor g = Tensor.zeros(x.shape()); Tensor m = Tensor.zeros(x.shape())) {
                assertClose(losses[0], run(l, Reduction.SUM, x, y, g, m), c + " " + l + " sum");
                assertClose(load(c + "_" + l + "_grad_sum").toArray(), g.toArray(), c + " " + l + " grad sum");
                assertClose(map, m.toArray(), c + " " + l + " map");
                assertClose(losses[1], run(l, Reduction.MEAN, x, y, g, m), c + " " + l + " mean");
                assertClose(load(c + "_" + l + "_grad_mean").toArray(), g.toArray(), c + " " + l + " grad mean");
                assertClose(losses[1], run(l, Reduction.MEAN_PER_IMAGE, x, y, g, m), c + " " + l + " mpi");
                assertClose(load(c + "_" + l + "_grad_mean").toArray(), g.toArray(), c + " " + l + " grad mpi");
                m.fill(0f);
                assertClose(losses[0], run(l, Reduction.NONE, x, y, g, m), c + " " + l + " none");
                assertClose(map, m.toArray(), c + " " + l + " map none");
                assertClose(load(c + "_" + l + "_grad_sum").toArray(), g.toArray(), c + " " + l + " grad none");
            }
        }
    }

    @Test
    void l1GradientIsZeroAtTies() {
        try (Tensor x = Tensor.of(new float[] {1f, 2f, 3f}, 1, 3); Tensor y = Tensor.of(new float[] {1f, 1f, 4f}, 1, 3);
                Tensor g = Tensor.zeros(1, 3)) {
            L1Loss.builder().reduction(Reduction.SUM).build().forward(x, y, g, null);
            assertEquals(0f, g.getFlat(0));
            assertEquals(1f, g.getFlat(1));
            assertEquals(-1f, g.getFlat(2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mse", "l1"})
    void finiteDifferences(String l) {
        Random rnd = new Random(7);
        int[] shape = {2, 2, 3, 3};
        try (Tensor x = Tensor.zeros(shape); Tensor y = Tensor.zeros(shape); Tensor g = Tensor.zeros(shape)) {
            for (int i = 0; i < x.size(); i++) {
                y.setFlat(i, rnd.nextFloat());
                // keep away from the L1 kink so central differences are exact
                x.setFlat(i, y.getFlat(i) + (rnd.nextBoolean() ? 1 : -1) * (0.1f + rnd.nextFloat()));
            }
            for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.MEAN, Reduction.MEAN_PER_IMAGE}) {
                run(l, r, x, y, g, null);
                double h = 1e-3;
                for (int i = 0; i < x.size(); i++) {
                    float orig = x.getFlat(i);
                    x.setFlat(i, (float) (orig + h));
                    double up = run(l, r, x, y, null, null);
                    x.setFlat(i, (float) (orig - h));
                    double down = run(l, r, x, y, null, null);
                    x.setFlat(i, orig);
                    double fd = (up - down) / (2 * h);
                    assertTrue(Math.abs(fd - g.getFlat(i)) <= 2e-3 * Math.max(1, Math.abs(fd)),
                            l + " " + r + " at " + i + ": fd " + fd + " vs " + g.getFlat(i));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mse", "l1"})
    void rejectsBadInput(String l) {
        try (Tensor x = Tensor.zeros(2, 3); Tensor y = Tensor.zeros(2, 4); Tensor ok = Tensor.zeros(2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(l, Reduction.MEAN, x, y, null, null));
            assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("[2, 3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> run(l, Reduction.MEAN, x, ok, y, null));
            assertThrows(IllegalArgumentException.class, () -> run(l, Reduction.NONE, x, ok, null, null));
            x.setFlat(4, Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> run(l, Reduction.MEAN, x, ok, null, null));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 1]"), e.getMessage());
            x.setFlat(4, 0f);
            ok.setFlat(0, Float.POSITIVE_INFINITY);
            e = assertThrows(IllegalArgumentException.class, () -> run(l, Reduction.SUM, x, ok, null, null));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
        }
    }

    @Test
    void emptyIsZero() {
        try (Tensor x = Tensor.zeros(0, 3); Tensor y = Tensor.zeros(0, 3)) {
            assertEquals(0f, MseLoss.builder().build().forward(x, y));
            assertEquals(0f, L1Loss.builder().reduction(Reduction.MEAN_PER_IMAGE).build().forward(x, y));
        }
    }
}
