package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API convolution kernels against the scalar reference, through the facade, for convolutions and
 * transposed convolutions and all their backward ops, with 1 and 2 threads.
 */
class ConvTest {
    private static Ops scalar;
    private static Ops vector1;
    private static Ops vector2;

    @BeforeAll
    static void start() {
        scalar = Ops.builder().provider(Ops.Provider.SCALAR).threads(2).build();
        vector1 = Ops.builder().provider(Ops.Provider.VECTOR).threads(1).build();
        vector2 = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();
    }

    @AfterAll
    static void stop() {
        scalar.close();
        vector1.close();
        vector2.close();
    }

    private static Conv2dSpec spec(int sh, int sw, int ph, int pw, int dh, int dw, int groups, int oph, int opw) {
        return new Conv2dSpec(sh, sw, ph, pw, dh, dw, groups, oph, opw);
    }

    private static Conv2dSpec spec(int stride, int pad, int dil, int groups) {
        return spec(stride, stride, pad, pad, dil, dil, groups, 0, 0);
    }

    /** n, cin, h, w, cout, kh, kw, spec. */
    static Stream<Arguments> convolutions() {
        return Stream.of(
                Arguments.of(1, 1, 1, 1, 1, 1, 1, spec(1, 0, 1, 1)),
                Arguments.of(5, 3, 7, 13, 7, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 3, 33, 7, 13, 5, 3, spec(2, 2, 1, 1)),
                Arguments.of(5, 7, 7, 13, 33, 3, 3, spec(1, 2, 2, 1)),
                Arguments.of(1, 13, 207, 5, 3, 3, 3, spec(3, 1, 1, 1)),
                Arguments.of(2, 33, 9, 11, 33, 1, 1, spec(1, 0, 1, 1)),
                Arguments.of(1, 6, 13, 13, 9, 3, 3, spec(2, 1, 1, 3)),
                Arguments.of(5, 7, 13, 7, 7, 3, 3, spec(1, 1, 1, 7)),
                Arguments.of(1, 4, 9, 9, 8, 5, 5, spec(2, 2, 1, 4)),
                Arguments.of(1, 3, 33, 7, 5, 7, 7, spec(2, 3, 1, 1)),
                Arguments.of(1, 2, 1, 1, 3, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 3, 2, 3, 4, 5, 5, spec(1, 2, 1, 1)),
                Arguments.of(5, 4, 17, 19, 6, 3, 3, spec(2, 2, 2, 2)),
                Arguments.of(1, 3, 15, 21, 5, 3, 5, spec(2, 1, 0, 2, 1, 2, 1, 0, 0)),
                Arguments.of(1, 5, 10, 11, 4, 1, 1, spec(3, 0, 1, 1)),
                Arguments.of(1, 2, 5, 6, 3, 3, 3, spec(1, 3, 1, 1)),
                Arguments.of(1, 3, 5, 47, 32, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 33, 6, 6, 33, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(5, 8, 16, 16, 16, 3, 3, spec(2, 1, 1, 1)),
                Arguments.of(1, 3, 8, 8, 6, 4, 4, spec(2, 1, 1, 1)),
                Arguments.of(2, 9, 11, 12, 6, 2, 3, spec(3, 2, 2, 1, 2, 1, 3, 0, 0)),
                Arguments.of(2, 32, 20, 24, 32, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(3, 3, 31, 40, 32, 3, 3, spec(1, 1, 1, 1)),
                // 1 to 3 trailing channels on wide rows (the row tiles), as outputs and as input gradients.
                Arguments.of(2, 4, 9, 70, 1, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 5, 6, 50, 3, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 3, 5, 130, 6, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(2, 7, 4, 90, 5, 3, 3, spec(2, 1, 1, 1)),
                Arguments.of(1, 2, 3, 100, 7, 3, 3, spec(1, 2, 2, 1)),
                Arguments.of(2, 6, 5, 40, 6, 3, 3, spec(1, 1, 1, 6)),
                Arguments.of(1, 1, 4, 67, 2, 1, 1, spec(1, 0, 1, 1)),
                // Whole blocks of 16 output channels per group and at least 64 taps (the channels-in-lanes weight
                // gradient).
                Arguments.of(3, 8, 9, 13, 16, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(9, 16, 7, 11, 32, 3, 3, spec(1, 1, 1, 2)),
                Arguments.of(2, 8, 13, 5, 48, 3, 3, spec(2, 1, 1, 1)),
                Arguments.of(1, 8, 7, 207, 16, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(2, 65, 1, 1, 16, 1, 1, spec(1, 0, 1, 1)),
                Arguments.of(1, 8, 6, 9, 64, 3, 3, spec(1, 2, 2, 1)));
    }

    /** n, cin, h, w, cout (total), kh, kw, spec (with output padding). */
    static Stream<Arguments> transposed() {
        return Stream.of(
                Arguments.of(1, 3, 7, 13, 5, 3, 3, spec(2, 2, 1, 1, 1, 1, 1, 1, 1)),
                Arguments.of(5, 4, 5, 5, 6, 4, 4, spec(2, 1, 1, 2)),
                Arguments.of(1, 7, 1, 1, 3, 3, 3, spec(1, 0, 1, 1)),
                Arguments.of(1, 6, 9, 4, 9, 3, 3, spec(3, 3, 1, 1, 1, 1, 3, 2, 2)),
                Arguments.of(2, 2, 6, 7, 4, 3, 3, spec(2, 2, 2, 2, 2, 2, 1, 1, 1)),
                Arguments.of(1, 13, 5, 9, 33, 1, 1, spec(1, 0, 1, 1)),
                Arguments.of(5, 8, 4, 6, 8, 3, 3, spec(2, 1, 2, 1, 1, 1, 8, 1, 0)),
                Arguments.of(1, 5, 3, 17, 7, 5, 2, spec(1, 3, 2, 0, 1, 2, 1, 0, 1)),
                // Output padding at or above the stride but below the dilation.
                Arguments.of(2, 3, 5, 6, 4, 3, 3, spec(1, 1, 2, 2, 3, 3, 1, 2, 2)),
                Arguments.of(1, 4, 4, 5, 6, 3, 2, spec(2, 1, 1, 0, 3, 2, 2, 2, 1)),
                Arguments.of(2, 8, 3, 40, 3, 3, 3, spec(1, 1, 1, 1)),
                Arguments.of(1, 3, 4, 33, 1, 4, 4, spec(2, 1, 1, 1)));
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}->{4} {2}x{3} k{5}x{6} {7}")
    @MethodSource("convolutions")
    void conv2dAndItsGradientsMatchScalar(int n, int cin, int h, int w, int cout, int kh, int kw, Conv2dSpec spec) {
        int groups = spec.groups();
        int[] xs = {n, cin, h, w};
        int[] ws = {cout, cin / groups, kh, kw};
        int[] ys = Ops.conv2dOutputShape(xs, ws, spec);
        SplittableRandom rnd = new SplittableRandom(31L * n + 7L * cin + h * 131L + w + cout * 17L + kh);
        try (Tensor x = random(rnd, xs); Tensor wt = random(rnd, ws); Tensor b = random(rnd, cout);
             Tensor dy = random(rnd, ys)) {
            int patch = cin / groups * kh * kw;
            compare("conv2d", patch, xs, ys, (ops, out) -> ops.conv2d(x, wt, b, spec, out));
            compare("conv2d no bias", patch, xs, ys, (ops, out) -> ops.conv2d(x, wt, null, spec, out));
            compare("conv2dBackwardData", cout / groups * kh * kw, xs, xs,
                    (ops, out) -> ops.conv2dBackwardData(dy, wt, spec, out));
            compare("conv2dBackwardWeight", n * ys[2] * ys[3], xs, ws,
                    (ops, out) -> ops.conv2dBackwardWeight(x, dy, spec, out));
            compare("conv2dBackwardBias", n * ys[2] * ys[3], xs, new int[] {cout},
                    (ops, out) -> ops.conv2dBackwardBias(dy, out));
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}->{4} {2}x{3} k{5}x{6} {7}")
    @MethodSource("transposed")
    void convTranspose2dAndItsGradientsMatchScalar(int n, int cin, int h, int w, int cout, int kh, int kw,
                                                   Conv2dSpec spec) {
        int groups = spec.groups();
        int[] xs = {n, cin, h, w};
        int[] ws = {cin, cout / groups, kh, kw};
        int[] ys = Ops.convTranspose2dOutputShape(xs, ws, spec);
        SplittableRandom rnd = new SplittableRandom(97L * n + 5L * cin + h * 31L + w + cout * 3L + kw);
        try (Tensor x = random(rnd, xs); Tensor wt = random(rnd, ws); Tensor b = random(rnd, cout);
             Tensor dy = random(rnd, ys)) {
            compare("convTranspose2d", cin / groups * kh * kw, xs, ys,
                    (ops, out) -> ops.convTranspose2d(x, wt, null, spec, out));
            compare("convTranspose2dBackwardData", cout / groups * kh * kw, xs, xs,
                    (ops, out) -> ops.convTranspose2dBackwardData(dy, wt, spec, out));
            compare("convTranspose2dBackwardWeight", n * h * w, xs, ws,
                    (ops, out) -> ops.convTranspose2dBackwardWeight(x, dy, spec, out));
            compare("convTranspose2d bias gradient", n * ys[2] * ys[3], xs, new int[] {cout},
                    (ops, out) -> ops.conv2dBackwardBias(dy, out));
            requireChannelBias(() -> compare("convTranspose2d with bias", cin / groups * kh * kw, xs, ys,
                    (ops, out) -> ops.convTranspose2d(x, wt, b, spec, out)));
        }
    }

    @Test
    void resultsDoNotDependOnThreadsOrRepetition() {
        Conv2dSpec spec = spec(1, 1, 1, 1);
        SplittableRandom rnd = new SplittableRandom(5);
        try (Tensor x = random(rnd, 5, 3, 19, 21); Tensor w = random(rnd, 8, 3, 3, 3);
             Tensor dy = random(rnd, 5, 8, 19, 21); Tensor a = Tensor.zeros(8, 3, 3, 3);
             Tensor c = Tensor.zeros(8, 3, 3, 3)) {
            vector2.conv2dBackwardWeight(x, dy, spec, a);
            float[] first = a.toArray();
            for (int i = 0; i < 3; i++) {
                vector2.conv2dBackwardWeight(x, dy, spec, a);
                assertArrayEquals(first, a.toArray());
            }
            vector1.conv2dBackwardWeight(x, dy, spec, c);
            assertArrayEquals(first, c.toArray());
            try (Tensor y1 = Tensor.zeros(5, 8, 19, 21); Tensor y2 = Tensor.zeros(5, 8, 19, 21);
                 Tensor dx1 = Tensor.zeros(5, 3, 19, 21); Tensor dx2 = Tensor.zeros(5, 3, 19, 21)) {
                vector1.conv2d(x, w, null, spec, y1);
                vector2.conv2d(x, w, null, spec, y2);
                assertArrayEquals(y1.toArray(), y2.toArray());
                vector1.conv2dBackwardData(dy, w, spec, dx1);
                vector2.conv2dBackwardData(dy, w, spec, dx2);
                assertArrayEquals(dx1.toArray(), dx2.toArray());
            }
        }
    }

    @Test
    void weightGradientWithWholeChannelBlocksDoesNotDependOnThreads() {
        Conv2dSpec spec = spec(1, 1, 1, 1);
        SplittableRandom rnd = new SplittableRandom(6);
        try (Tensor x = random(rnd, 11, 8, 13, 17); Tensor dy = random(rnd, 11, 32, 13, 17);
             Tensor a = Tensor.zeros(32, 8, 3, 3); Tensor c = Tensor.zeros(32, 8, 3, 3)) {
            vector2.conv2dBackwardWeight(x, dy, spec, a);
            float[] first = a.toArray();
            vector2.conv2dBackwardWeight(x, dy, spec, a);
            assertArrayEquals(first, a.toArray());
            vector1.conv2dBackwardWeight(x, dy, spec, c);
            assertArrayEquals(first, c.toArray());
        }
    }

    @Test
    void stridedOutputsAreFullyOverwritten() {
        // Input pixels that no tap reaches (kernel 1x1, stride 3) must still get a zero gradient.
        Conv2dSpec spec = spec(3, 0, 1, 1);
        SplittableRandom rnd = new SplittableRandom(9);
        try (Tensor dy = random(rnd, 1, 4, 4, 4); Tensor w = random(rnd, 4, 2, 1, 1);
             Tensor dx = Tensor.zeros(1, 2, 11, 12).fill(Float.NaN)) {
            vector2.conv2dBackwardData(dy, w, spec, dx);
            for (float v : dx.toArray()) {
                assertTrue(Float.isFinite(v), "stale value left in dx");
            }
            assertTrue(dx.get(0, 0, 1, 1) == 0f && dx.get(0, 1, 10, 11) == 0f);
        }
    }

    @Test
    void nonFiniteValuesPropagateAsInTheReference() {
        // The weight gradient reads padding lanes of the input next to zeros of dy; 0 * Inf must not leak NaN
        // into taps that never meet the infinite input in the definition.
        Conv2dSpec spec = spec(1, 1, 1, 1);
        SplittableRandom rnd = new SplittableRandom(17);
        try (Tensor x = random(rnd, 2, 3, 7, 13); Tensor w = random(rnd, 5, 3, 3, 3); Tensor b = random(rnd, 5);
             Tensor dy = random(rnd, 2, 5, 7, 13)) {
            x.set(Float.POSITIVE_INFINITY, 0, 1, 3, 12);
            x.set(Float.NaN, 1, 2, 0, 0);
            dy.set(Float.NEGATIVE_INFINITY, 1, 4, 6, 12);
            int[] xs = x.shape();
            compare("conv2d non-finite", 27, xs, new int[] {2, 5, 7, 13},
                    (ops, out) -> ops.conv2d(x, w, b, spec, out));
            compare("conv2dBackwardData non-finite", 45, xs, xs,
                    (ops, out) -> ops.conv2dBackwardData(dy, w, spec, out));
            dy.set(0.5f, 1, 4, 6, 12);
            compare("conv2dBackwardWeight non-finite", 182, xs, w.shape(),
                    (ops, out) -> ops.conv2dBackwardWeight(x, dy, spec, out));
        }
        try (Tensor x = random(rnd, 3, 8, 7, 13); Tensor dy = random(rnd, 3, 16, 7, 13)) {
            x.set(Float.POSITIVE_INFINITY, 1, 1, 3, 12);
            compare("conv2dBackwardWeight non-finite, 16 channels", 273, x.shape(), new int[] {16, 8, 3, 3},
                    (ops, out) -> ops.conv2dBackwardWeight(x, dy, spec, out));
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void wrongChannelCountsNameTheShapes() {
        try (Tensor x = Tensor.zeros(1, 3, 8, 8); Tensor w = Tensor.zeros(4, 2, 3, 3);
             Tensor y = Tensor.zeros(1, 4, 6, 6)) {
            String m = rejected(() -> vector2.conv2d(x, w, null, Conv2dSpec.DEFAULT, y));
            assertTrue(m.contains("[4, 2, 3, 3]") && m.contains("[1, 3, 8, 8]"), m);
            m = rejected(() -> vector2.conv2dBackwardData(y, w, Conv2dSpec.DEFAULT, x));
            assertTrue(m.contains("[4, 2, 3, 3]") && m.contains("[1, 3, 8, 8]"), m);
            m = rejected(() -> vector2.conv2dBackwardWeight(x, y, Conv2dSpec.DEFAULT, w));
            assertTrue(m.contains("[4, 2, 3, 3]") && m.contains("[1, 3, 8, 8]"), m);
        }
    }

    @Test
    void groupsMustDivideBothChannelCounts() {
        try (Tensor x = Tensor.zeros(1, 4, 8, 8); Tensor w = Tensor.zeros(6, 2, 3, 3);
             Tensor y = Tensor.zeros(1, 6, 6, 6)) {
            String m = rejected(() -> vector2.conv2d(x, w, null, Conv2dSpec.DEFAULT.withGroups(3), y));
            assertTrue(m.contains("3 groups") && m.contains("4"), m);
        }
        try (Tensor x = Tensor.zeros(1, 4, 5, 5); Tensor w = Tensor.zeros(4, 3, 3, 3);
             Tensor y = Tensor.zeros(1, 9, 7, 7)) {
            String m = rejected(() -> vector2.convTranspose2d(x, w, null, Conv2dSpec.DEFAULT.withGroups(3), y));
            assertTrue(m.contains("3 groups") && m.contains("4"), m);
        }
    }

    @Test
    void kernelLargerThanThePaddedInputIsRejected() {
        try (Tensor x = Tensor.zeros(1, 1, 2, 2); Tensor w = Tensor.zeros(1, 1, 5, 5);
             Tensor y = Tensor.zeros(1, 1, 1, 1)) {
            String m = rejected(() -> vector2.conv2d(x, w, null, Conv2dSpec.of(1, 1), y));
            assertTrue(m.contains("[1, 1, 2, 2]") && m.contains("5x5"), m);
            assertTrue(rejected(() -> Ops.conv2dOutputShape(new int[] {1, 1, 2, 2}, new int[] {1, 1, 5, 5},
                    Conv2dSpec.of(1, 1))).contains("[1, 1, 2, 2]"));
        }
    }

    @Test
    void wrongOutputAndGradientShapesAreRejected() {
        try (Tensor x = Tensor.zeros(1, 3, 8, 8); Tensor w = Tensor.zeros(4, 3, 3, 3);
             Tensor bad = Tensor.zeros(1, 4, 7, 7); Tensor b = Tensor.zeros(3); Tensor y = Tensor.zeros(1, 4, 6, 6);
             Tensor dw = Tensor.zeros(4, 3, 3, 3); Tensor db = Tensor.zeros(5)) {
            String m = rejected(() -> vector2.conv2d(x, w, null, Conv2dSpec.DEFAULT, bad));
            assertTrue(m.contains("[1, 4, 6, 6]") && m.contains("[1, 4, 7, 7]"), m);
            m = rejected(() -> vector2.conv2d(x, w, b, Conv2dSpec.DEFAULT, y));
            assertTrue(m.contains("[4]") && m.contains("[3]"), m);
            m = rejected(() -> vector2.conv2dBackwardData(bad, w, Conv2dSpec.DEFAULT, x));
            assertTrue(m.contains("[1, 4, 6, 6]") && m.contains("[1, 4, 7, 7]"), m);
            m = rejected(() -> vector2.conv2dBackwardWeight(x, bad, Conv2dSpec.DEFAULT, dw));
            assertTrue(m.contains("[1, 4, 6, 6]") && m.contains("[1, 4, 7, 7]"), m);
            m = rejected(() -> vector2.conv2dBackwardBias(y, db));
            assertTrue(m.contains("[4]") && m.contains("[5]"), m);
        }
    }

    @Test
    void transposedShapeErrorsAreRejected() {
        try (Tensor x = Tensor.zeros(1, 4, 5, 5); Tensor w = Tensor.zeros(3, 2, 3, 3);
             Tensor y = Tensor.zeros(1, 2, 7, 7); Tensor w4 = Tensor.zeros(4, 2, 3, 3)) {
            String m = rejected(() -> vector2.convTranspose2d(x, w, null, Conv2dSpec.DEFAULT, y));
            assertTrue(m.contains("[3, 2, 3, 3]") && m.contains("[1, 4, 5, 5]"), m);
            // Output padding must be smaller than the stride or the dilation (PyTorch's rule).
            m = rejected(() -> Conv2dSpec.of(2, 1).withDilation(3).withOutputPadding(3));
            assertTrue(m.contains("output padding"), m);
            m = rejected(() -> vector2.convTranspose2d(x, w4, null, Conv2dSpec.DEFAULT, x));
            assertTrue(m.contains("[1, 2, 7, 7]") && m.contains("[1, 4, 5, 5]"), m);
        }
    }

    @Test
    void closedTensorsAreRejectedWithTheirShape() {
        Tensor x = Tensor.zeros(1, 3, 8, 8);
        try (Tensor w = Tensor.zeros(4, 3, 3, 3); Tensor y = Tensor.zeros(1, 4, 6, 6);
             Tensor dw = Tensor.zeros(4, 3, 3, 3)) {
            x.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> vector2.conv2d(x, w, null, Conv2dSpec.DEFAULT, y));
            assertTrue(e.getMessage().contains("[1, 3, 8, 8]"), e.getMessage());
            e = assertThrows(IllegalStateException.class,
                    () -> vector2.conv2dBackwardWeight(x, y, Conv2dSpec.DEFAULT, dw));
            assertTrue(e.getMessage().contains("[1, 3, 8, 8]"), e.getMessage());
            e = assertThrows(IllegalStateException.class,
                    () -> vector2.conv2dBackwardData(y, w, Conv2dSpec.DEFAULT, x));
            assertTrue(e.getMessage().contains("[1, 3, 8, 8]"), e.getMessage());
        }
    }

    private static String rejected(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs a check that needs the pointwise addChannelBias kernel (transposed convolution with bias); skips it
     * while that kernel is not implemented.
     */
    static void requireChannelBias(Runnable check) {
        try {
            check.run();
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("addChannelBias is not implemented yet: " + e.getMessage());
        }
    }

    @FunctionalInterface
    interface Op {
        void run(Ops ops, Tensor out);
    }

    /** Runs {@code op} with every provider into fresh outputs (pre-filled with NaN) and compares to scalar. */
    private static void compare(String what, long reduction, int[] xs, int[] outShape, Op op) {
        try (Tensor ref = Tensor.zeros(outShape).fill(Float.NaN); Tensor v1 = Tensor.zeros(outShape).fill(Float.NaN);
             Tensor v2 = Tensor.zeros(outShape).fill(Float.NaN)) {
            op.run(scalar, ref);
            op.run(vector1, v1);
            op.run(vector2, v2);
            float[] r = ref.toArray();
            float scale = 1f;
            for (float v : r) {
                if (Float.isFinite(v)) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            float tol = (float) (1e-5 * Math.sqrt(Math.max(1, reduction)) * scale);
            check(what + " (1 thread)", xs, r, v1.toArray(), tol);
            check(what + " (2 threads)", xs, r, v2.toArray(), tol);
        }
    }

    private static void check(String what, int[] xs, float[] expected, float[] actual, float tol) {
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(expected[i]) && Float.compare(expected[i], actual[i]) == 0) {
                continue;
            }
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + " for input " + Arrays.toString(xs) + ": element " + i + " is " + actual[i]
                        + ", expected " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return t.copyFrom(v);
    }
}
