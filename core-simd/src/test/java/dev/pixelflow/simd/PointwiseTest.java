package dev.pixelflow.simd;

import static dev.pixelflow.simd.KernelTesting.assertClose;
import static dev.pixelflow.simd.KernelTesting.assertSame;
import static dev.pixelflow.simd.KernelTesting.copyOf;
import static dev.pixelflow.simd.KernelTesting.random;
import static dev.pixelflow.simd.KernelTesting.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Activations, elementwise ops, reductions and pairwise distances: the Vector API kernels against the scalar
 * reference at awkward sizes and on unaligned views, plus known values, extreme inputs and finite-difference
 * gradient checks.
 *
 * <p>Tolerances: sigmoid and tanh use the vector EXP/TANH (Intel SVML on x86, measured within 1 ulp of the
 * correctly rounded value); the vector sigmoid adds three float roundings, so vector and reference may differ
 * by up to 4 ulp. Elementwise arithmetic is bit-identical. Float reductions are compared with the exact
 * (double) result within {@code 1e-5 * sum|terms|}, a worst-case bound for the vector kernels' block-wise
 * float accumulation.
 */
class PointwiseTest {
    static final int[] SIZES = {0, 1, 7, 13, 33, 207, 1000, 4099};
    static final Ops SCALAR = Ops.builder().provider(Ops.Provider.SCALAR).threads(2).build();
    static final Ops VECTOR = Ops.builder().provider(Ops.Provider.VECTOR).threads(2).build();
    static final List<Activation> ACTIVATIONS = List.of(Activation.IDENTITY, Activation.RELU,
            Activation.leakyRelu(0.01f), Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH);

    @AfterAll
    static void close() {
        SCALAR.close();
        VECTOR.close();
    }

    /** Uniform values in [-6, 6) with exact zeros, negative zeros, and large magnitudes mixed in. */
    static Tensor activationInput(Arena arena, int offset, Random rnd, int n) {
        Tensor x = random(arena, offset, rnd, -6f, 6f, n);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(20)) {
                case 0 -> x.setFlat(i, 0f);
                case 1 -> x.setFlat(i, -0f);
                case 2 -> x.setFlat(i, (rnd.nextBoolean() ? 1 : -1) * 80f * rnd.nextFloat());
                case 3 -> x.setFlat(i, (rnd.nextBoolean() ? 1 : -1) * 1e-3f * rnd.nextFloat());
                default -> {
                }
            }
        }
        return x;
    }

    static void assertUlps(Tensor expected, Tensor actual, int ulps, String what) {
        for (long i = 0; i < expected.size(); i++) {
            float e = expected.getFlat(i);
            float a = actual.getFlat(i);
            if (!(Math.abs(a - e) <= ulps * Math.ulp(e))) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " within " + ulps + " ulp");
            }
        }
    }

    // ------------------------------------------------------------------ activations

    @Test
    void activationForwardMatchesReference() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofShared()) {
            for (Activation f : ACTIVATIONS) {
                for (int n : SIZES) {
                    Tensor x = activationInput(arena, 1, rnd, n);
                    Tensor ys = view(arena, 3, n);
                    Tensor yv = view(arena, 5, n);
                    SCALAR.activation(f, x, ys);
                    VECTOR.activation(f, x, yv);
                    String what = f + " n=" + n;
                    switch (f.kind()) {
                        case SIGMOID, TANH -> assertUlps(ys, yv, 4, what);
                        default -> assertSame(ys, yv, what);
                    }
                    // in place gives the same as out of place
                    Tensor inPlace = copyOf(arena, 7, x);
                    VECTOR.activation(f, inPlace, inPlace);
                    assertSame(yv, inPlace, what + " in place");
                }
            }
        }
    }

    @Test
    void activationBackwardMatchesReferenceAndMayOverwriteDy() {
        Random rnd = new Random(12);
        try (Arena arena = Arena.ofShared()) {
            for (Activation f : ACTIVATIONS) {
                for (int n : SIZES) {
                    Tensor x = activationInput(arena, 1, rnd, n);
                    Tensor y = view(arena, 0, n);
                    SCALAR.activation(f, x, y);
                    Tensor dy = random(arena, 2, rnd, -1f, 1f, n);
                    Tensor dxs = view(arena, 3, n);
                    Tensor dxv = view(arena, 5, n);
                    SCALAR.activationBackward(f, x, y, dy, dxs);
                    VECTOR.activationBackward(f, x, y, dy, dxv);
                    String what = f + " backward n=" + n;
                    assertSame(dxs, dxv, what);
                    Tensor inPlace = copyOf(arena, 9, dy);
                    VECTOR.activationBackward(f, x, y, inPlace, inPlace);
                    assertSame(dxv, inPlace, what + " dx = dy");
                    Tensor inPlaceScalar = copyOf(arena, 9, dy);
                    SCALAR.activationBackward(f, x, y, inPlaceScalar, inPlaceScalar);
                    assertSame(dxs, inPlaceScalar, what + " dx = dy (scalar)");
                }
            }
        }
    }

    @Test
    void knownActivationValues() {
        float a = 0.1f;
        float[] in = {0f, -2f, 3f, 1f, -1f, 0f, 0f, 0f, 0f};
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                Tensor x = view(arena, 1, in.length);
                x.copyFrom(in);
                Tensor y = view(arena, 1, in.length);
                ops.activation(Activation.SIGMOID, x, y);
                assertEquals(0.5f, y.getFlat(0), ops.toString());
                assertClose(1 / (1 + Math.exp(2)), y.getFlat(1), 0, 1e-6, "sigmoid(-2)");
                assertClose(1 / (1 + Math.exp(-3)), y.getFlat(2), 0, 1e-6, "sigmoid(3)");
                ops.activation(Activation.TANH, x, y);
                assertEquals(0f, y.getFlat(0));
                assertClose(Math.tanh(1), y.getFlat(3), 0, 1e-6, "tanh(1)");
                assertClose(-Math.tanh(1), y.getFlat(4), 0, 1e-6, "tanh(-1)");
                ops.activation(Activation.RELU, x, y);
                assertEquals(0f, y.getFlat(1));
                assertEquals(3f, y.getFlat(2));
                ops.activation(Activation.leakyRelu(a), x, y);
                assertEquals(-2f * a, y.getFlat(1));
                assertEquals(3f, y.getFlat(2));

                Tensor dy = view(arena, 0, in.length).fill(1f);
                Tensor dx = view(arena, 0, in.length);
                ops.activation(Activation.RELU, x, y);
                ops.activationBackward(Activation.RELU, x, y, dy, dx);
                assertEquals(0f, dx.getFlat(0), "relu'(0) = 0 as in PyTorch");
                assertEquals(0f, dx.getFlat(1));
                assertEquals(1f, dx.getFlat(2));
                ops.activationBackward(Activation.leakyRelu(a), x, y, dy, dx);
                assertEquals(a, dx.getFlat(0), "leaky_relu'(0) = alpha as in PyTorch");
                assertEquals(1f, dx.getFlat(2));
                ops.activation(Activation.SIGMOID, x, y);
                ops.activationBackward(Activation.SIGMOID, x, y, dy, dx);
                assertEquals(0.25f, dx.getFlat(0), "sigmoid'(0)");
                ops.activation(Activation.TANH, x, y);
                ops.activationBackward(Activation.TANH, x, y, dy, dx);
                assertEquals(1f, dx.getFlat(0), "tanh'(0)");
            }
        }
    }

    @Test
    void extremeInputsGiveFiniteValues() {
        float[] in = {80f, -80f, 1e4f, -1e4f, 88.8f, -88.8f, 100f, -100f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 20f, -20f, 0f, -0f, 1e-30f};
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                // place the values in the vector body and in the scalar tail
                for (int offset : new int[] {0, 3}) {
                    Tensor x = view(arena, offset, in.length + offset);
                    for (int i = 0; i < in.length; i++) {
                        x.setFlat(i + offset, in[i]);
                    }
                    Tensor y = view(arena, 1, in.length + offset);
                    ops.activation(Activation.SIGMOID, x, y);
                    for (int i = 0; i < in.length; i++) {
                        float s = y.getFlat(i + offset);
                        assertTrue(s >= 0f && s <= 1f, "sigmoid(" + in[i] + ") = " + s + " on " + ops);
                        assertClose(1 / (1 + Math.exp(-(double) in[i])), s, 1e-44, 4e-7, "sigmoid(" + in[i] + ")");
                    }
                    assertTrue(y.getFlat(offset + 1) > 0f, "sigmoid(-80) is ~1.8e-35, not 0");
                    ops.activation(Activation.TANH, x, y);
                    for (int i = 0; i < in.length; i++) {
                        float t = y.getFlat(i + offset);
                        assertTrue(t >= -1f && t <= 1f, "tanh(" + in[i] + ") = " + t + " on " + ops);
                        assertClose(Math.tanh(in[i]), t, 1e-44, 4e-7, "tanh(" + in[i] + ")");
                    }
                }
            }
        }
    }

    /**
     * dL/dx with L = sum(f(x) * r): the analytic gradient against central differences. Activations are
     * elementwise, so all coordinates can be perturbed at once: numeric_i = r_i (f(x_i + h) - f(x_i - h)) / 2h.
     */
    @Test
    void activationGradientsMatchFiniteDifferences() {
        Random rnd = new Random(13);
        int n = 1000;
        float h = 1e-2f;
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                for (Activation f : ACTIVATIONS) {
                    Tensor x = random(arena, 1, rnd, -4f, 4f, n);
                    for (int i = 0; i < n; i++) {
                        if (Math.abs(x.getFlat(i)) < 0.05f) {
                            x.setFlat(i, 0.5f); // keep away from the kink of relu-type functions
                        }
                    }
                    Tensor r = random(arena, 0, rnd, -1f, 1f, n);
                    Tensor y = view(arena, 0, n);
                    Tensor dx = view(arena, 3, n);
                    ops.activation(f, x, y);
                    ops.activationBackward(f, x, y, r, dx);

                    Tensor xp = view(arena, 0, n);
                    Tensor xm = view(arena, 0, n);
                    Tensor yp = view(arena, 0, n);
                    Tensor ym = view(arena, 0, n);
                    for (int i = 0; i < n; i++) {
                        xp.setFlat(i, x.getFlat(i) + h);
                        xm.setFlat(i, x.getFlat(i) - h);
                    }
                    ops.activation(f, xp, yp);
                    ops.activation(f, xm, ym);
                    for (int i = 0; i < n; i++) {
                        double numeric = r.getFlat(i) * ((double) yp.getFlat(i) - ym.getFlat(i))
                                / ((double) xp.getFlat(i) - xm.getFlat(i));
                        assertClose(numeric, dx.getFlat(i), 2e-3, 2e-2, f + " gradient at x=" + x.getFlat(i)
                                + " on " + ops);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ elementwise

    @Test
    void elementwiseOpsMatchReferenceAndAllowAliasing() {
        Random rnd = new Random(14);
        try (Arena arena = Arena.ofShared()) {
            for (int n : SIZES) {
                Tensor a = random(arena, 1, rnd, -3f, 3f, n);
                Tensor b = random(arena, 2, rnd, -3f, 3f, n);
                for (String op : List.of("add", "sub", "mul", "scale", "axpy")) {
                    Tensor s = copyOf(arena, 3, b);
                    Tensor v = copyOf(arena, 5, b);
                    apply(SCALAR, op, a, b, s);
                    apply(VECTOR, op, a, b, v);
                    assertSame(s, v, op + " n=" + n);
                    if (!op.equals("axpy")) {
                        // out = a and out = b (for binary ops)
                        Tensor outA = copyOf(arena, 1, a);
                        apply(VECTOR, op, outA, b, outA);
                        assertSame(s, outA, op + " out=a n=" + n);
                        if (!op.equals("scale")) {
                            Tensor outB = copyOf(arena, 1, b);
                            apply(VECTOR, op, a, outB, outB);
                            assertSame(s, outB, op + " out=b n=" + n);
                        }
                    }
                }
            }
        }
    }

    private static void apply(Ops ops, String op, Tensor a, Tensor b, Tensor out) {
        switch (op) {
            case "add" -> ops.add(a, b, out);
            case "sub" -> ops.sub(a, b, out);
            case "mul" -> ops.mul(a, b, out);
            case "scale" -> ops.scale(a, -1.75f, out);
            case "axpy" -> ops.axpy(0.3f, a, out); // out holds b: out = b + 0.3 a
            default -> throw new IllegalArgumentException(op);
        }
    }

    @Test
    void knownElementwiseValues() {
        try (Arena arena = Arena.ofShared()) {
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                int n = 19;
                Tensor a = view(arena, 1, n);
                Tensor b = view(arena, 2, n);
                for (int i = 0; i < n; i++) {
                    a.setFlat(i, i);
                    b.setFlat(i, 2 * i + 1);
                }
                Tensor out = view(arena, 3, n);
                ops.sub(b, a, out);
                ops.axpy(2f, a, out); // (i + 1) + 2i
                for (int i = 0; i < n; i++) {
                    assertEquals(3f * i + 1f, out.getFlat(i), "axpy/sub at " + i + " on " + ops);
                }
                ops.mul(a, a, out);
                ops.scale(out, 0.5f, out);
                assertEquals(0.5f * 18 * 18, out.getFlat(18));
            }
        }
    }

    @Test
    void addChannelBiasMatchesReference() {
        Random rnd = new Random(15);
        try (Arena arena = Arena.ofShared()) {
            for (int batch : new int[] {1, 5}) {
                for (int channels : new int[] {1, 3, 7}) {
                    for (int[] hw : new int[][] {{1, 1}, {7, 13}, {33, 7}, {4, 8}}) {
                        Tensor x = random(arena, 1, rnd, -1f, 1f, batch, channels, hw[0], hw[1]);
                        Tensor bias = random(arena, 3, rnd, -1f, 1f, channels);
                        Tensor s = copyOf(arena, 0, x);
                        Tensor v = copyOf(arena, 5, x);
                        SCALAR.addChannelBias(s, bias);
                        VECTOR.addChannelBias(v, bias);
                        assertSame(s, v, "addChannelBias " + v.shapeString());
                        for (int i = 0; i < batch; i++) {
                            for (int c = 0; c < channels; c++) {
                                assertEquals(x.get(i, c, hw[0] - 1, hw[1] - 1) + bias.getFlat(c),
                                        v.get(i, c, hw[0] - 1, hw[1] - 1));
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void reductionsMatchExactSums() {
        Random rnd = new Random(16);
        try (Arena arena = Arena.ofShared()) {
            for (int n : new int[] {0, 1, 7, 13, 33, 207, 1000, 4099, 4096 * 3 + 5, 100_003}) {
                Tensor a = random(arena, 1, rnd, -2f, 2f, n);
                Tensor b = random(arena, 2, rnd, -2f, 2f, n);
                double sum = 0;
                double sumAbs = 0;
                double dot = 0;
                double dotAbs = 0;
                double squares = 0;
                for (int i = 0; i < n; i++) {
                    double x = a.getFlat(i);
                    double y = b.getFlat(i);
                    sum += x;
                    sumAbs += Math.abs(x);
                    dot += x * y;
                    dotAbs += Math.abs(x * y);
                    squares += x * x;
                }
                for (Ops ops : List.of(SCALAR, VECTOR)) {
                    String what = " n=" + n + " on " + ops;
                    assertClose(sum, ops.sum(a), 1e-5 * sumAbs, 1e-6, "sum" + what);
                    assertClose(dot, ops.dot(a, b), 1e-5 * dotAbs, 1e-6, "dot" + what);
                    assertClose(squares, ops.sumOfSquares(a), 0, 1e-5, "sumOfSquares" + what);
                    if (n > 0) {
                        assertClose(sum / n, ops.mean(a), 1e-5 * sumAbs / n, 1e-6, "mean" + what);
                    }
                }
            }
        }
    }

    /**
     * Property: over random lengths and cut points, the sum (and dot, sum of squares) of the two slices adds up
     * to the total, and max/min of the parts give the max/min of the whole exactly. The slices start at any
     * element, so most are unaligned.
     */
    @Test
    void reductionsOverASplitAddUp() {
        Random rnd = new Random(20);
        try (Arena arena = Arena.ofShared()) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + rnd.nextInt(trial < 100 ? 300 : 20_000);
                int cut = rnd.nextInt(n + 1);
                Tensor a = random(arena, rnd.nextInt(4), rnd, -1f, 1f, n);
                Tensor left = a.slice(0, cut);
                Tensor right = a.slice(cut, n);
                double sumAbs = 0;
                for (int i = 0; i < n; i++) {
                    sumAbs += Math.abs(a.getFlat(i));
                }
                for (Ops ops : List.of(SCALAR, VECTOR)) {
                    String what = "n=" + n + " cut=" + cut + " on " + ops;
                    assertClose(ops.sum(a), (double) ops.sum(left) + ops.sum(right), 2e-5 * sumAbs, 0, "sum " + what);
                    assertClose(ops.dot(a, a), (double) ops.dot(left, left) + ops.dot(right, right), 0, 2e-5,
                            "dot " + what);
                    assertClose(ops.sumOfSquares(a), (double) ops.sumOfSquares(left) + ops.sumOfSquares(right), 0,
                            2e-5, "sumOfSquares " + what);
                    if (cut > 0 && cut < n) {
                        assertEquals(ops.max(a), Math.max(ops.max(left), ops.max(right)), "max " + what);
                        assertEquals(ops.min(a), Math.min(ops.min(left), ops.min(right)), "min " + what);
                    }
                }
            }
        }
    }

    @Test
    void emptyReductionsAreZero() {
        try (Arena arena = Arena.ofShared()) {
            Tensor empty = view(arena, 1, 0);
            Tensor empty2 = view(arena, 1, 3, 0);
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                assertEquals(0f, ops.sum(empty));
                assertEquals(0f, ops.sumOfSquares(empty2));
                assertEquals(0f, ops.dot(empty, empty));
                ops.add(empty, empty, empty);
                ops.activation(Activation.SIGMOID, empty, empty);
            }
        }
    }

    @Test
    void maxAndMinMatchReferenceAndPropagateNaN() {
        Random rnd = new Random(17);
        try (Arena arena = Arena.ofShared()) {
            for (int n : new int[] {1, 7, 13, 33, 207, 1000, 4099}) {
                Tensor a = random(arena, 1, rnd, -100f, 100f, n);
                float max = Float.NEGATIVE_INFINITY;
                float min = Float.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, a.getFlat(i));
                    min = Math.min(min, a.getFlat(i));
                }
                for (Ops ops : List.of(SCALAR, VECTOR)) {
                    assertEquals(max, ops.max(a), "max n=" + n + " on " + ops);
                    assertEquals(min, ops.min(a), "min n=" + n + " on " + ops);
                }
                // one NaN anywhere: first, last, in the vector body, in the tail
                for (int at : new int[] {0, n - 1, n / 2, Math.max(0, n - 3)}) {
                    float old = a.getFlat(at);
                    a.setFlat(at, Float.NaN);
                    for (Ops ops : List.of(SCALAR, VECTOR)) {
                        assertTrue(Float.isNaN(ops.max(a)), "max with NaN at " + at + " of " + n + " on " + ops);
                        assertTrue(Float.isNaN(ops.min(a)), "min with NaN at " + at + " of " + n + " on " + ops);
                    }
                    a.setFlat(at, old);
                }
            }
            Tensor inf = view(arena, 1, 40).fill(Float.NEGATIVE_INFINITY);
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                assertEquals(Float.NEGATIVE_INFINITY, ops.max(inf));
                assertEquals(Float.NEGATIVE_INFINITY, ops.min(inf));
            }
        }
    }

    // ------------------------------------------------------------------ distances

    @Test
    void pairwiseDistancesMatchReference() {
        Random rnd = new Random(18);
        int[][] cases = {{1, 1, 1}, {7, 13, 33}, {33, 7, 207}, {5, 9, 0}, {13, 1000, 3}, {9, 11, 64}, {0, 4, 8},
            {3, 0, 8}};
        try (Arena arena = Arena.ofShared()) {
            for (int[] c : cases) {
                Tensor x = random(arena, 1, rnd, -1f, 1f, c[0], c[2]);
                Tensor y = random(arena, 2, rnd, -1f, 1f, c[1], c[2]);
                Tensor s = view(arena, 3, c[0], c[1]);
                Tensor v = view(arena, 5, c[0], c[1]);
                SCALAR.pairwiseSquaredDistances(x, y, s);
                VECTOR.pairwiseSquaredDistances(x, y, v);
                assertClose(s, v, 1e-6, 1e-5 * Math.sqrt(c[2] + 1), "distances " + c[0] + "x" + c[1] + "x" + c[2]);
                for (int i = 0; i < c[0]; i++) {
                    for (int j = 0; j < c[1]; j++) {
                        double d = 0;
                        for (int k = 0; k < c[2]; k++) {
                            double e = (double) x.get(i, k) - y.get(j, k);
                            d += e * e;
                        }
                        assertClose(d, s.get(i, j), 1e-7, 1e-6, "reference distance " + i + "," + j);
                    }
                }
            }
        }
    }

    /** Near-identical rows far from the origin: |x|^2 + |y|^2 - 2xy would lose every digit here. */
    @Test
    void pairwiseDistancesHaveNoCancellation() {
        Random rnd = new Random(19);
        int n = 6;
        int d = 37;
        try (Arena arena = Arena.ofShared()) {
            Tensor x = view(arena, 1, n, d);
            Tensor y = view(arena, 2, n, d);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    float base = 1000f + k;
                    x.set(base, i, k);
                    y.set(base + (rnd.nextFloat() - 0.5f) * 1e-3f * (i + 1), i, k);
                }
            }
            for (Ops ops : List.of(SCALAR, VECTOR)) {
                Tensor out = view(arena, 3, n, n);
                ops.pairwiseSquaredDistances(x, y, out);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double exact = 0;
                        for (int k = 0; k < d; k++) {
                            double e = (double) x.get(i, k) - y.get(j, k);
                            exact += e * e;
                        }
                        assertClose(exact, out.get(i, j), 0, 1e-5, "distance " + i + "," + j + " on " + ops);
                    }
                }
            }
        }
    }
}
