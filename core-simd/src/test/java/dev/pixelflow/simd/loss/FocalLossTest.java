package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.MseL1LossTest.assertClose;
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

/** FocalLoss against torch float64 autograd ({@code src/test/python/focal_golden.py}), FD gradients, bad input. */
class FocalLossTest {

    private static Tensor load(String name) throws IOException {
        try (InputStream in = FocalLossTest.class.getResourceAsStream("/focal/" + name + ".npy")) {
            return Npy.read(in, name);
        }
    }

    private static FocalLoss loss(Reduction r, float[] params) {
        return FocalLoss.builder().reduction(r).alpha(params[0]).gamma(params[1]).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "extreme", "noalpha", "soft", "gamma0"})
    void matchesTorch(String c) throws IOException {
        Tensor x = load(c + "_x");
        Tensor y = load(c + "_y");
        float[] params = load(c + "_params").toArray();
        float[] losses = load(c + "_loss").toArray();
        float[] map = load(c + "_map").toArray();
        try (Tensor g = Tensor.zeros(x.shape()); Tensor m = Tensor.zeros(x.shape())) {
            assertClose(losses[0], loss(Reduction.SUM, params).forward(x, y, g, m), c + " sum");
            assertClose(load(c + "_grad_sum").toArray(), g.toArray(), c + " grad sum");
            assertClose(map, m.toArray(), c + " map");
            assertClose(losses[1], loss(Reduction.MEAN, params).forward(x, y, g, m), c + " mean");
            assertClose(load(c + "_grad_mean").toArray(), g.toArray(), c + " grad mean");
            assertClose(losses[1], loss(Reduction.MEAN_PER_IMAGE, params).forward(x, y, g, null), c + " mpi");
            assertClose(losses[0], loss(Reduction.NONE, params).forward(x, y, g, m), c + " none");
            assertClose(map, m.toArray(), c + " map none");
            assertClose(load(c + "_grad_sum").toArray(), g.toArray(), c + " grad none");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, 2.0, 0.5})
    void finiteDifferences(double gamma) {
        Random rnd = new Random(11);
        int[] shape = {2, 2, 3, 3};
        FocalLoss f = FocalLoss.builder().gamma(gamma).alpha(0.3).build();
        try (Tensor x = Tensor.zeros(shape); Tensor y = Tensor.zeros(shape); Tensor g = Tensor.zeros(shape)) {
            for (int i = 0; i < x.size(); i++) {
                x.setFlat(i, (float) (rnd.nextGaussian() * 2));
                y.setFlat(i, i % 3 == 0 ? rnd.nextFloat() : rnd.nextInt(2));
            }
            f.forward(x, y, g, null);
            double h = 1e-2;
            for (int i = 0; i < x.size(); i++) {
                float orig = x.getFlat(i);
                x.setFlat(i, (float) (orig + h));
                double up = f.forward(x, y);
                x.setFlat(i, (float) (orig - h));
                double down = f.forward(x, y);
                x.setFlat(i, orig);
                double fd = (up - down) / (2 * h);
                assertTrue(Math.abs(fd - g.getFlat(i)) <= 2e-5 + 1e-2 * Math.abs(fd),
                        gamma + " at " + i + ": fd " + fd + " vs " + g.getFlat(i));
            }
        }
    }

    @Test
    void rejectsBadInput() {
        FocalLoss f = FocalLoss.builder().build();
        try (Tensor x = Tensor.zeros(2, 1, 3, 3); Tensor y = Tensor.zeros(2, 1, 3, 4); Tensor ok = Tensor.zeros(2, 1, 3, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.forward(x, y));
            assertTrue(e.getMessage().contains("[2, 1, 3, 4]") && e.getMessage().contains("[2, 1, 3, 3]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> FocalLoss.builder().reduction(Reduction.NONE).build().forward(x, ok, null, null));
            x.set(Float.NaN, 1, 0, 2, 1);
            e = assertThrows(IllegalArgumentException.class, () -> f.forward(x, ok));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 0, 2, 1]"), e.getMessage());
            x.fill(0f);
            ok.set(-0.5f, 0, 0, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> f.forward(x, ok));
            assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> FocalLoss.builder().gamma(-1));
        assertThrows(IllegalArgumentException.class, () -> FocalLoss.builder().alpha(1.5));
        assertThrows(IllegalArgumentException.class, () -> FocalLoss.builder().alpha(Double.NaN));
    }
}
