package dev.pixelflow.simd;

import static dev.pixelflow.simd.KernelTesting.assertClose;
import static dev.pixelflow.simd.KernelTesting.assertSame;
import static dev.pixelflow.simd.KernelTesting.random;
import static dev.pixelflow.simd.KernelTesting.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Max and average pooling: Vector API kernels against the scalar reference over many geometries (batch 1 and
 * 5, channels 1/3/7, odd sizes, stride != kernel, padding, dilation, countIncludePad false), PyTorch's
 * tie and NaN rules, known values and finite-difference gradient checks. Max pooling and its gradient must
 * match the reference bit for bit; average pooling sums in another order, so within 1e-6 relative.
 */
class PoolingTest {
    static final Ops SCALAR = Ops.builder().provider(Ops.Provider.SCALAR).threads(2).build();
    static final Ops VECTOR = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();

    static final int[][] SIZES = {{1, 1}, {2, 2}, {7, 13}, {33, 7}, {8, 8}, {16, 40}, {9, 37}, {5, 64}};
    static final int[][] BATCH_CHANNELS = {{1, 1}, {5, 3}, {1, 7}, {5, 1}, {1, 3}, {5, 7}};

    @AfterAll
    static void close() {
        SCALAR.close();
        VECTOR.close();
    }

    /** Windows valid for both max and average pooling. */
    static List<Pool2dSpec> commonSpecs() {
        List<Pool2dSpec> s = new ArrayList<>();
        s.add(Pool2dSpec.of(2));
        s.add(Pool2dSpec.of(1));
        s.add(Pool2dSpec.of(3));
        s.add(Pool2dSpec.of(3, 2, 1));
        s.add(Pool2dSpec.of(3, 1, 1));
        s.add(Pool2dSpec.of(3, 2, 0));
        s.add(Pool2dSpec.of(2, 1, 0));
        s.add(Pool2dSpec.of(4, 3, 2));
        s.add(Pool2dSpec.of(5, 1, 2));
        s.add(new Pool2dSpec(2, 3, 1, 2, 1, 1, 1, 1, true));
        s.add(new Pool2dSpec(3, 2, 2, 1, 0, 1, 1, 1, true));
        s.add(new Pool2dSpec(1, 3, 1, 3, 0, 0, 1, 1, true));
        s.add(Pool2dSpec.of(3, 1, 1).withCountIncludePad(false));
        s.add(Pool2dSpec.of(3, 2, 1).withCountIncludePad(false));
        s.add(new Pool2dSpec(2, 3, 1, 2, 1, 1, 1, 1, false));
        return s;
    }

    /** Dilated windows (max pooling only). */
    static List<Pool2dSpec> dilatedSpecs() {
        return List.of(Pool2dSpec.of(3, 1, 1).withDilation(2), Pool2dSpec.of(2, 2, 0).withDilation(2),
                new Pool2dSpec(3, 3, 2, 2, 1, 1, 2, 1, true), new Pool2dSpec(3, 2, 1, 1, 1, 1, 1, 3, true));
    }

    static boolean fits(Pool2dSpec spec, int h, int w) {
        return spec.outputHeight(h) >= 1 && spec.outputWidth(w) >= 1;
    }

    interface CaseBody {
        void run(int n, int c, int h, int w, Pool2dSpec spec, String what);
    }

    static void forEachCase(List<Pool2dSpec> specs, CaseBody body) {
        int k = 0;
        for (Pool2dSpec spec : specs) {
            for (int[] hw : SIZES) {
                if (!fits(spec, hw[0], hw[1])) {
                    continue;
                }
                int[] nc = BATCH_CHANNELS[k++ % BATCH_CHANNELS.length];
                body.run(nc[0], nc[1], hw[0], hw[1], spec, spec + " on " + nc[0] + "x" + nc[1] + "x" + hw[0] + "x" + hw[1]);
            }
        }
    }

    // ------------------------------------------------------------------ vector vs reference

    @Test
    void maxPoolMatchesReference() {
        Random rnd = new Random(21);
        List<Pool2dSpec> specs = new ArrayList<>(commonSpecs());
        specs.addAll(dilatedSpecs());
        try (Arena arena = Arena.ofShared()) {
            forEachCase(specs, (n, c, h, w, spec, what) -> {
                int[] out = Ops.pool2dOutputShape(new int[] {n, c, h, w}, spec);
                Tensor x = random(arena, 1, rnd, -5f, 5f, n, c, h, w);
                Tensor ys = view(arena, 3, out);
                Tensor yv = view(arena, 2, out);
                SCALAR.maxPool2d(x, spec, ys);
                VECTOR.maxPool2d(x, spec, yv);
                assertSame(ys, yv, "maxPool2d " + what);

                Tensor dy = random(arena, 5, rnd, -1f, 1f, out);
                Tensor dxs = random(arena, 1, rnd, 7f, 8f, n, c, h, w); // garbage: must be overwritten
                Tensor dxv = random(arena, 3, rnd, 7f, 8f, n, c, h, w);
                SCALAR.maxPool2dBackward(x, dy, spec, dxs);
                VECTOR.maxPool2dBackward(x, dy, spec, dxv);
                assertSame(dxs, dxv, "maxPool2dBackward " + what);
                // every dy lands somewhere exactly once, except from windows that hold no image element
                // (possible with dilation: their output is -inf and they pass no gradient)
                double mass = 0;
                for (long i = 0; i < dy.size(); i++) {
                    mass += ys.getFlat(i) == Float.NEGATIVE_INFINITY ? 0 : dy.getFlat(i);
                }
                assertClose(mass, KernelTesting.dot(dxs, ones(arena, dxs)), 1e-4, 1e-5,
                        "maxPool2dBackward mass " + what);
            });
        }
    }

    /** Small integer values make ties common: the first maximum in window order must win in both kernels. */
    @Test
    void maxPoolTiesAndNaNsRouteLikeReference() {
        Random rnd = new Random(22);
        try (Arena arena = Arena.ofShared()) {
            forEachCase(commonSpecs(), (n, c, h, w, spec, what) -> {
                int[] out = Ops.pool2dOutputShape(new int[] {n, c, h, w}, spec);
                Tensor x = view(arena, 1, n, c, h, w);
                for (long i = 0; i < x.size(); i++) {
                    int r = rnd.nextInt(10);
                    x.setFlat(i, r == 0 ? Float.NaN : r % 3);
                }
                Tensor ys = view(arena, 3, out);
                Tensor yv = view(arena, 2, out);
                SCALAR.maxPool2d(x, spec, ys);
                VECTOR.maxPool2d(x, spec, yv);
                assertSame(ys, yv, "maxPool2d with ties and NaN " + what);
                Tensor dy = random(arena, 5, rnd, -1f, 1f, out);
                Tensor dxs = view(arena, 1, n, c, h, w);
                Tensor dxv = view(arena, 3, n, c, h, w);
                SCALAR.maxPool2dBackward(x, dy, spec, dxs);
                VECTOR.maxPool2dBackward(x, dy, spec, dxv);
                assertSame(dxs, dxv, "maxPool2dBackward with ties and NaN " + what);
            });
        }
    }

    @Test
    void avgPoolMatchesReference() {
        Random rnd = new Random(23);
        try (Arena arena = Arena.ofShared()) {
            forEachCase(commonSpecs(), (n, c, h, w, spec, what) -> {
                int[] out = Ops.pool2dOutputShape(new int[] {n, c, h, w}, spec);
                Tensor x = random(arena, 1, rnd, -5f, 5f, n, c, h, w);
                Tensor ys = view(arena, 3, out);
                Tensor yv = view(arena, 2, out);
                SCALAR.avgPool2d(x, spec, ys);
                VECTOR.avgPool2d(x, spec, yv);
                assertClose(ys, yv, 1e-6, 1e-6, "avgPool2d " + what);

                Tensor dy = random(arena, 5, rnd, -1f, 1f, out);
                Tensor dxs = random(arena, 1, rnd, 7f, 8f, n, c, h, w);
                Tensor dxv = random(arena, 3, rnd, 7f, 8f, n, c, h, w);
                SCALAR.avgPool2dBackward(dy, spec, dxs);
                VECTOR.avgPool2dBackward(dy, spec, dxv);
                assertClose(dxs, dxv, 1e-6, 1e-6, "avgPool2dBackward " + what);
                // adjoint identity: <avg(x), dy> = <x, avg^T(dy)>
                assertClose(KernelTesting.dot(ys, dy), KernelTesting.dot(x, dxs), 1e-4, 1e-5, "adjoint " + what);
            });
        }
    }

    private static Tensor ones(Arena arena, Tensor like) {
        return view(arena, 0, like.shape()).fill(1f);
    }

    // ------------------------------------------------------------------ known values

    @Test
    void knownValues() {
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                Tensor x = view(arena, 1, 1, 1, 4, 4);
                for (int i = 0; i < 16; i++) {
                    x.setFlat(i, i);
                }
                Tensor y = view(arena, 1, 1, 1, 2, 2);
                ops.maxPool2d(x, Pool2dSpec.of(2), y);
                assertArray(new float[] {5, 7, 13, 15}, y, "max 2x2 on " + ops);
                ops.avgPool2d(x, Pool2dSpec.of(2), y);
                assertArray(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, y, "avg 2x2 on " + ops);

                // 3x3 stride 1 pad 1 over a 2x2 image of ones: 4 of 9 window cells are in the image
                Tensor ones = view(arena, 0, 1, 1, 2, 2).fill(1f);
                Tensor y2 = view(arena, 0, 1, 1, 2, 2);
                ops.avgPool2d(ones, Pool2dSpec.of(3, 1, 1), y2);
                assertArray(new float[] {4f / 9, 4f / 9, 4f / 9, 4f / 9}, y2, "countIncludePad on " + ops);
                ops.avgPool2d(ones, Pool2dSpec.of(3, 1, 1).withCountIncludePad(false), y2);
                assertArray(new float[] {1, 1, 1, 1}, y2, "countIncludePad=false on " + ops);

                // padding is -inf for max pooling: all-negative inputs never lose to it
                Tensor neg = view(arena, 0, 1, 1, 2, 2);
                neg.copyFrom(new float[] {-4, -3, -2, -1});
                ops.maxPool2d(neg, Pool2dSpec.of(3, 1, 1), y2);
                assertArray(new float[] {-1, -1, -1, -1}, y2, "max padding on " + ops);

                // ties: the first maximum (row-major in the window) gets the gradient
                Tensor tie = view(arena, 0, 1, 1, 2, 2).fill(1f);
                Tensor dy = view(arena, 0, 1, 1, 1, 1).fill(3f);
                Tensor dx = view(arena, 0, 1, 1, 2, 2);
                ops.maxPool2dBackward(tie, dy, Pool2dSpec.of(2), dx);
                assertArray(new float[] {3, 0, 0, 0}, dx, "tie on " + ops);

                // NaN wins the window; among several NaNs the last one gets the gradient (PyTorch CPU)
                Tensor nan = view(arena, 0, 1, 1, 2, 2);
                nan.copyFrom(new float[] {1, Float.NaN, Float.NaN, 0});
                Tensor y1 = view(arena, 0, 1, 1, 1, 1);
                ops.maxPool2d(nan, Pool2dSpec.of(2), y1);
                assertTrue(Float.isNaN(y1.getFlat(0)), "NaN propagates on " + ops);
                ops.maxPool2dBackward(nan, dy, Pool2dSpec.of(2), dx);
                assertArray(new float[] {0, 0, 3, 0}, dx, "NaN routing on " + ops);

                // a 2x2/2 row wide enough for the vector path, with one NaN
                Tensor wide = view(arena, 1, 1, 1, 2, 64);
                for (int i = 0; i < 128; i++) {
                    wide.setFlat(i, i % 7);
                }
                wide.set(Float.NaN, 0, 0, 0, 37);
                Tensor yw = view(arena, 1, 1, 1, 1, 32);
                ops.maxPool2d(wide, Pool2dSpec.of(2), yw);
                for (int j = 0; j < 32; j++) {
                    assertEquals(j == 18, Float.isNaN(yw.getFlat(j)), "NaN only in window 18, at " + j + " on " + ops);
                }
            }
        }
    }

    private static void assertArray(float[] expected, Tensor actual, String what) {
        assertEquals(expected.length, actual.size(), what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.getFlat(i), 1e-6f, what + " at " + i);
        }
    }

    // ------------------------------------------------------------------ finite differences

    /** L = sum(pool(x) * r); checks dL/dx from the backward pass against central differences on every input. */
    @Test
    void maxPoolGradientMatchesFiniteDifferences() {
        Random rnd = new Random(24);
        List<Pool2dSpec> specs = List.of(Pool2dSpec.of(2), Pool2dSpec.of(3, 2, 1), Pool2dSpec.of(3, 1, 1),
                Pool2dSpec.of(3, 1, 1).withDilation(2));
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                for (Pool2dSpec spec : specs) {
                    int[] shape = {2, 3, 7, 9};
                    Tensor x = view(arena, 1, shape);
                    // distinct values 0.1 apart: a step of 1e-2 never changes an arg-max
                    int size = (int) x.size();
                    List<Integer> perm = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        perm.add(i);
                    }
                    java.util.Collections.shuffle(perm, rnd);
                    for (int i = 0; i < size; i++) {
                        x.setFlat(i, 0.1f * perm.get(i) - 10f);
                    }
                    checkGradient(arena, ops, x, spec, true, rnd);
                }
            }
        }
    }

    @Test
    void avgPoolGradientMatchesFiniteDifferences() {
        Random rnd = new Random(25);
        List<Pool2dSpec> specs = List.of(Pool2dSpec.of(2), Pool2dSpec.of(3, 2, 1), Pool2dSpec.of(3, 1, 1),
                Pool2dSpec.of(3, 1, 1).withCountIncludePad(false), new Pool2dSpec(2, 3, 1, 2, 1, 1, 1, 1, false));
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                for (Pool2dSpec spec : specs) {
                    Tensor x = random(arena, 1, rnd, -1f, 1f, 2, 3, 7, 9);
                    checkGradient(arena, ops, x, spec, false, rnd);
                }
            }
        }
    }

    private static void checkGradient(Arena arena, Ops ops, Tensor x, Pool2dSpec spec, boolean max, Random rnd) {
        int[] out = Ops.pool2dOutputShape(x.shape(), spec);
        Tensor r = random(arena, 0, rnd, -1f, 1f, out);
        Tensor y = view(arena, 2, out);
        Tensor dx = view(arena, 3, x.shape());
        if (max) {
            ops.maxPool2dBackward(x, r, spec, dx);
        } else {
            ops.avgPool2dBackward(r, spec, dx);
        }
        float h = 1e-2f;
        for (long i = 0; i < x.size(); i++) {
            float old = x.getFlat(i);
            x.setFlat(i, old + h);
            float up = x.getFlat(i);
            double lp = loss(ops, x, spec, max, y, r);
            x.setFlat(i, old - h);
            float down = x.getFlat(i);
            double lm = loss(ops, x, spec, max, y, r);
            x.setFlat(i, old);
            double numeric = (lp - lm) / ((double) up - down);
            assertClose(numeric, dx.getFlat(i), 1e-3, 1e-2, (max ? "max" : "avg") + " pool gradient " + spec
                    + " at " + i + " on " + ops);
        }
    }

    private static double loss(Ops ops, Tensor x, Pool2dSpec spec, boolean max, Tensor y, Tensor r) {
        if (max) {
            ops.maxPool2d(x, spec, y);
        } else {
            ops.avgPool2d(x, spec, y);
        }
        return KernelTesting.dot(y, r);
    }
}
