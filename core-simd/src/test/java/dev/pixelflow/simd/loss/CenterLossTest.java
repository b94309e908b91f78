package dev.pixelflow.simd.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CenterLoss with hand-computed values, finite differences, the centre update and bad input. */
class CenterLossTest {

    private static Tensor centers() {
        return Tensor.of(new float[] {0, 0, 1, 1, 2, 0}, 3, 2);
    }

    private static Tensor batch() {
        return Tensor.of(new float[] {1, 2, 3, 1, -1, 0}, 3, 2);
    }

    private static final int[] LABELS = {0, 1, 0};

    @Test
    void handComputedLossGradientAndUpdate() {
        try (Tensor c = centers(); Tensor x = batch(); Tensor g = Tensor.zeros(3, 2)) {
            // ||(1,2)||^2 + ||(2,0)||^2 + ||(-1,0)||^2 = 5 + 4 + 1 = 10
            CenterLoss sum = CenterLoss.builder().centers(c).build();
            assertEquals(Reduction.SUM, sum.reduction());
            assertEquals(5f, sum.forward(x, LABELS, g), 1e-6);
            assertArrayEquals(new float[] {1, 2, 2, 0, -1, 0}, g.toArray(), 1e-6f);
            CenterLoss mean = CenterLoss.builder().centers(c).reduction(Reduction.MEAN).build();
            assertEquals(5f / 3, mean.forward(x, LABELS, g), 1e-6);
            assertArrayEquals(new float[] {1f / 3, 2f / 3, 2f / 3, 0, -1f / 3, 0}, g.toArray(), 1e-6f);

            // class 0: n=2, sum(c0 - x) = (0, -2), delta = (0, -2/3), c0 = (0, 1/3)
            // class 1: n=1, sum(c1 - x) = (-2, 0), delta = (-1, 0),   c1 = (1.5, 1); class 2 unchanged
            sum.updateCenters(x, LABELS);
            try (Tensor after = sum.copyCenters()) {
                assertArrayEquals(new float[] {0, 1f / 3, 1.5f, 1, 2, 0}, after.toArray(), 1e-6f);
            }
            double expected = 0.5 * ((1 + 25.0 / 9) + 2.25 + (1 + 1.0 / 9));
            assertEquals(expected, sum.forward(x, LABELS), 1e-5);
            // the builder's tensor is copied, not shared
            assertEquals(0f, c.get(0, 1));
            assertEquals(0f, mean.center(0, 1));
        }
    }

    @Test
    void zeroCentersAndAlpha() {
        try (Tensor x = batch()) {
            CenterLoss l = CenterLoss.builder().numClasses(2).dim(2).alpha(1.0).build();
            // zero centres: 1/2 * (5 + 10 + 1)
            assertEquals(8f, l.forward(x, new int[] {0, 1, 1}), 1e-6);
            l.updateCenters(x, new int[] {1, 1, 1});
            // class 1, n = 3: c = 0 - 1 * (0 - sum x) / 4 = (3/4, 3/4); class 0 unchanged
            assertEquals(0.75f, l.center(1, 0), 1e-6);
            assertEquals(0.75f, l.center(1, 1), 1e-6);
            assertEquals(0f, l.center(0, 0));
        }
    }

    @Test
    void finiteDifferences() {
        Random rnd = new Random(5);
        int n = 6;
        int d = 4;
        int[] labels = new int[n];
        try (Tensor x = Tensor.zeros(n, d); Tensor c = Tensor.zeros(3, d); Tensor g = Tensor.zeros(n, d)) {
            for (int i = 0; i < n * d; i++) {
                x.setFlat(i, (float) rnd.nextGaussian());
            }
            for (int i = 0; i < 3 * d; i++) {
                c.setFlat(i, (float) rnd.nextGaussian());
            }
            for (int i = 0; i < n; i++) {
                labels[i] = rnd.nextInt(3);
            }
            for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.MEAN}) {
                CenterLoss l = CenterLoss.builder().centers(c).reduction(r).build();
                l.forward(x, labels, g);
                double h = 1e-2;
                for (int i = 0; i < n * d; i++) {
                    float orig = x.getFlat(i);
                    x.setFlat(i, (float) (orig + h));
                    double up = l.forward(x, labels);
                    x.setFlat(i, (float) (orig - h));
                    double down = l.forward(x, labels);
                    x.setFlat(i, orig);
                    double fd = (up - down) / (2 * h);
                    assertTrue(Math.abs(fd - g.getFlat(i)) <= 1e-3 * Math.max(1, Math.abs(fd)),
                            r + " at " + i + ": fd " + fd + " vs " + g.getFlat(i));
                }
            }
        }
    }

    @Test
    void rejectsBadInput() {
        CenterLoss l = CenterLoss.builder().numClasses(3).dim(2).build();
        try (Tensor x = batch(); Tensor wrong = Tensor.zeros(3, 5); Tensor wrongGrad = Tensor.zeros(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(wrong, LABELS));
            assertTrue(e.getMessage().contains("[3, 5]") && e.getMessage().contains("[N, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(x, new int[] {0, 1}));
            assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("2 entries"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.forward(x, LABELS, wrongGrad));
            assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> l.updateCenters(x, new int[] {0, 3, 1}));
            assertTrue(e.getMessage().contains("[0, 3)") && e.getMessage().contains("at 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> l.forward(x, new int[] {-1, 0, 0}));
            x.set(Float.NaN, 2, 1);
            e = assertThrows(IllegalArgumentException.class, () -> l.updateCenters(x, LABELS));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[2, 1]"), e.getMessage());
            assertEquals(0f, l.center(0, 0), "centres unchanged after a rejected update");
        }
        assertThrows(IllegalArgumentException.class, () -> CenterLoss.builder().numClasses(3).build());
        assertThrows(IllegalArgumentException.class, () -> CenterLoss.builder().alpha(1.5));
        assertThrows(IllegalArgumentException.class, () -> CenterLoss.builder().reduction(Reduction.NONE));
        try (Tensor c = Tensor.of(new float[] {0, Float.POSITIVE_INFINITY}, 1, 2)) {
            assertThrows(IllegalArgumentException.class, () -> CenterLoss.builder().centers(c));
        }
        try (Tensor c = centers()) {
            assertThrows(IllegalArgumentException.class, () -> CenterLoss.builder().centers(c).numClasses(4).build());
        }
    }
}
