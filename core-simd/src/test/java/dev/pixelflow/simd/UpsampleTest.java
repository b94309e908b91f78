package dev.pixelflow.simd;

import static dev.pixelflow.simd.KernelTesting.assertClose;
import static dev.pixelflow.simd.KernelTesting.assertSame;
import static dev.pixelflow.simd.KernelTesting.random;
import static dev.pixelflow.simd.KernelTesting.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Bilinear resizing (PyTorch align_corners=False with an output size): up- and down-sizing, exact 2x (the
 * vectorized path) and other ratios, batch 1 and 5, channels 1/3/7. The vector forward pass does the
 * reference's arithmetic in the same order, so it must match bit for bit; the backward pass accumulates in
 * another order (within 1e-5 relative).
 */
class UpsampleTest {
    static final Ops SCALAR = Ops.builder().provider(Ops.Provider.SCALAR).threads(2).build();
    static final Ops VECTOR = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();

    /** {h, w, oh, ow}. */
    static final int[][] SIZES = {{5, 7, 13, 11}, {8, 8, 3, 5}, {7, 13, 14, 26}, {1, 1, 2, 2}, {1, 1, 3, 5},
        {33, 7, 66, 14}, {3, 3, 3, 3}, {16, 16, 32, 32}, {12, 40, 24, 80}, {4, 33, 9, 66}, {13, 11, 5, 7},
        {2, 9, 2, 18}, {20, 30, 7, 61}, {6, 17, 12, 34}, {9, 1, 18, 2}};
    static final int[][] BATCH_CHANNELS = {{1, 1}, {5, 3}, {1, 7}, {5, 7}, {1, 3}};

    @AfterAll
    static void close() {
        SCALAR.close();
        VECTOR.close();
    }

    @Test
    void matchesReference() {
        Random rnd = new Random(31);
        try (Arena arena = Arena.ofShared()) {
            int k = 0;
            for (int[] s : SIZES) {
                int[] nc = BATCH_CHANNELS[k++ % BATCH_CHANNELS.length];
                String what = nc[0] + "x" + nc[1] + " " + s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3];
                Tensor x = random(arena, 1, rnd, -3f, 3f, nc[0], nc[1], s[0], s[1]);
                Tensor ys = view(arena, 3, nc[0], nc[1], s[2], s[3]);
                Tensor yv = view(arena, 2, nc[0], nc[1], s[2], s[3]);
                SCALAR.upsampleBilinear(x, ys);
                VECTOR.upsampleBilinear(x, yv);
                assertSame(ys, yv, "upsampleBilinear " + what);

                Tensor dy = random(arena, 5, rnd, -1f, 1f, nc[0], nc[1], s[2], s[3]);
                Tensor dxs = random(arena, 1, rnd, 7f, 8f, nc[0], nc[1], s[0], s[1]); // must be overwritten
                Tensor dxv = random(arena, 3, rnd, 7f, 8f, nc[0], nc[1], s[0], s[1]);
                SCALAR.upsampleBilinearBackward(dy, dxs);
                VECTOR.upsampleBilinearBackward(dy, dxv);
                assertClose(dxs, dxv, 1e-6, 1e-5, "upsampleBilinearBackward " + what);
                // adjoint identity: <up(x), dy> = <x, up^T(dy)>
                double lhs = KernelTesting.dot(ys, dy);
                assertClose(lhs, KernelTesting.dot(x, dxs), 1e-4, 1e-5, "adjoint (scalar) " + what);
                assertClose(lhs, KernelTesting.dot(x, dxv), 1e-4, 1e-5, "adjoint (vector) " + what);
            }
        }
    }

    /** torch.nn.functional.interpolate([[1, 2], [3, 4]], size=(4, 4), mode='bilinear', align_corners=False). */
    @Test
    void knownValues() {
        float[] expected = {
            1.00f, 1.25f, 1.75f, 2.00f,
            1.50f, 1.75f, 2.25f, 2.50f,
            2.50f, 2.75f, 3.25f, 3.50f,
            3.00f, 3.25f, 3.75f, 4.00f};
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                Tensor x = view(arena, 1, 1, 1, 2, 2);
                x.copyFrom(new float[] {1, 2, 3, 4});
                Tensor y = view(arena, 1, 1, 1, 4, 4);
                ops.upsampleBilinear(x, y);
                for (int i = 0; i < 16; i++) {
                    assertEquals(expected[i], y.getFlat(i), 1e-6f, "element " + i + " on " + ops);
                }
                // the gradient of a sum spreads the total weight: each input gets 4
                Tensor dy = view(arena, 0, 1, 1, 4, 4).fill(1f);
                Tensor dx = view(arena, 0, 1, 1, 2, 2);
                ops.upsampleBilinearBackward(dy, dx);
                for (int i = 0; i < 4; i++) {
                    assertEquals(4f, dx.getFlat(i), 1e-6f, "gradient " + i + " on " + ops);
                }
                // same size is the identity
                Tensor z = random(arena, 3, new Random(1), -1f, 1f, 2, 3, 5, 9);
                Tensor zy = view(arena, 0, 2, 3, 5, 9);
                ops.upsampleBilinear(z, zy);
                assertSame(z, zy, "identity resize on " + ops);
            }
        }
    }

    /** L = sum(resize(x) * r): the backward pass against central differences on a subset of inputs. */
    @Test
    void gradientMatchesFiniteDifferences() {
        Random rnd = new Random(32);
        int[][] sizes = {{5, 7, 13, 11}, {8, 8, 3, 5}, {6, 17, 12, 34}};
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                for (int[] s : sizes) {
                    Tensor x = random(arena, 1, rnd, -1f, 1f, 2, 3, s[0], s[1]);
                    Tensor r = random(arena, 0, rnd, -1f, 1f, 2, 3, s[2], s[3]);
                    Tensor y = view(arena, 2, 2, 3, s[2], s[3]);
                    Tensor dx = view(arena, 3, x.shape());
                    ops.upsampleBilinearBackward(r, dx);
                    float h = 1e-2f;
                    for (int t = 0; t < 60; t++) {
                        long i = rnd.nextInt((int) x.size());
                        float old = x.getFlat(i);
                        x.setFlat(i, old + h);
                        float up = x.getFlat(i);
                        ops.upsampleBilinear(x, y);
                        double lp = KernelTesting.dot(y, r);
                        x.setFlat(i, old - h);
                        float down = x.getFlat(i);
                        ops.upsampleBilinear(x, y);
                        double lm = KernelTesting.dot(y, r);
                        x.setFlat(i, old);
                        assertClose((lp - lm) / ((double) up - down), dx.getFlat(i), 1e-3, 1e-2,
                                "bilinear gradient " + s[0] + "x" + s[1] + "->" + s[2] + "x" + s[3] + " at " + i
                                        + " on " + ops);
                    }
                }
            }
        }
    }
}
