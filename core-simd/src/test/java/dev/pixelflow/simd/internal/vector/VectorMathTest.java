package dev.pixelflow.simd.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.internal.scalar.ScalarMath;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} against its scalar twin {@link ScalarMath}: bit for bit, lane by lane, before and after JIT
 * compilation. And both against {@code Math.exp/log1p/log} evaluated in double (the exact value to far below a
 * float ulp): the error, in units of the float ulp of the exact value, stays within {@link #MAX_ULPS} over dense
 * sweeps of the domains the kernels use. Measured over every float of those domains: exp 1.01, log1p 1.08,
 * log 0.97 ulp (that is, at most about half an ulp worse than correct rounding; subnormal exp results within one
 * Float.MIN_VALUE).
 */
class VectorMathTest {
    private static final double MAX_ULPS = 1.25;
    /** Bit patterns between sweep points: a prime, so every mantissa position is visited. */
    private static final int STRIDE = 211;
    private static final int[] LENGTHS = {1, 7, 13, 33, 207, 1000};

    private static final float[] EXP_EDGES = {0f, -0f, -Float.MIN_VALUE, -Float.MIN_NORMAL, -1e-30f, -1e-7f,
        -0.34657359f, -0.3465736f, -0.5f, -1f, -2f, -10f, -80f, -87f, -87.33654f, -87.33655f, -87.3f, -88f,
        -100f, -103.97f, -103.97208f, -103.9721f, -104f, -150f, -1e10f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
        Float.NaN, 1f, 10f, 70f};
    private static final float[] LOG1P_EDGES = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 1e-7f,
        5.9604645e-8f, 0.001f, 0.4142135f, 0.5f, 0.75f, Math.nextDown(1f), 1f, -0.29f, -0.1f, -1e-7f, Float.NaN};
    private static final float[] LOG_EDGES = {1f, Math.nextUp(1f), Math.nextDown(1f), 1.4142135f, 1.4142137f,
        0.70710677f, 2f, 3f, 10f, 1000f, 65536f, 1e30f, Float.MAX_VALUE, Float.MIN_NORMAL, 1e-30f, 0.5f,
        Float.POSITIVE_INFINITY, Float.NaN};

    private static float[] vectorApply(UnaryOperator<FloatVector> f, float[] in) {
        int lanes = Simd.LANES;
        float[] padded = new float[(in.length + lanes - 1) / lanes * lanes];
        java.util.Arrays.fill(padded, 1f); // a value inside every domain
        System.arraycopy(in, 0, padded, 0, in.length);
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            f.apply(FloatVector.fromArray(Simd.SPECIES, padded, i)).intoArray(out, i);
        }
        return java.util.Arrays.copyOf(out, in.length);
    }

    private static void assertTwins(String name, UnaryOperator<FloatVector> vf, ScalarFn sf, float[] edges,
                                    float lo, float hi) {
        SplittableRandom rnd = new SplittableRandom(20261201L);
        // enough rounds for C2 to compile both sides; the first ones run interpreted or in C1
        for (int round = 0; round < 300; round++) {
            for (int n : LENGTHS) {
                float[] in = new float[n];
                for (int i = 0; i < n; i++) {
                    in[i] = rnd.nextInt(8) == 0 ? edges[rnd.nextInt(edges.length)]
                            : (float) (lo + (hi - lo) * rnd.nextDouble());
                }
                float[] got = vectorApply(vf, in);
                for (int i = 0; i < n; i++) {
                    float x = in[i];
                    float want = sf.apply(x);
                    float have = got[i];
                    int r = round;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(have),
                            () -> name + "(" + x + ") in round " + r + ", length " + n + ": vector " + have
                                    + " vs scalar " + want);
                }
            }
        }
        float[] got = vectorApply(vf, edges);
        for (int i = 0; i < edges.length; i++) {
            assertEquals(Float.floatToRawIntBits(sf.apply(edges[i])), Float.floatToRawIntBits(got[i]),
                    name + "(" + edges[i] + ")");
        }
    }

    @FunctionalInterface
    private interface ScalarFn {
        float apply(float x);
    }

    /** |got - exact| in float ulps of the exact value (subnormal results: in units of Float.MIN_VALUE). */
    private static double ulps(float got, double exact) {
        double ulp = Math.abs(exact) < Float.MIN_NORMAL ? Float.MIN_VALUE : Math.ulp((float) exact);
        return Math.abs(got - exact) / ulp;
    }

    /** Max error over the floats whose bits run from lo to hi (same sign) in steps of STRIDE, plus the ends. */
    private static double sweep(ScalarFn f, DoubleUnaryOperator exact, float from, float to) {
        int a = Float.floatToRawIntBits(from);
        int b = Float.floatToRawIntBits(to);
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        double max = 0;
        for (long bits = lo; bits <= hi; bits += STRIDE) {
            float x = Float.intBitsToFloat((int) bits);
            max = Math.max(max, ulps(f.apply(x), exact.applyAsDouble(x)));
        }
        max = Math.max(max, ulps(f.apply(from), exact.applyAsDouble(from)));
        return Math.max(max, ulps(f.apply(to), exact.applyAsDouble(to)));
    }

    @Test
    void vectorExpIsItsScalarTwin() {
        assertTwins("exp", VectorMath::exp, ScalarMath::exp, EXP_EDGES, -100f, 0f);
    }

    @Test
    void vectorLog1pIsItsScalarTwin() {
        assertTwins("log1p", VectorMath::log1p, ScalarMath::log1p, LOG1P_EDGES, -0.29f, 1f);
    }

    @Test
    void vectorLogIsItsScalarTwin() {
        assertTwins("log", VectorMath::log, ScalarMath::log, LOG_EDGES, 1f, 1000f);
    }

    @Test
    void expIsAccurate() {
        assertTrue(sweep(ScalarMath::exp, Math::exp, -0f, ScalarMath.EXP_MIN) <= MAX_ULPS);
        assertTrue(sweep(ScalarMath::exp, Math::exp, 0f, 70f) <= MAX_ULPS);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (ScalarMath.EXP_MIN * rnd.nextDouble());
            assertTrue(ulps(ScalarMath.exp(x), Math.exp(x)) <= MAX_ULPS, () -> "exp(" + x + ")");
        }
    }

    @Test
    void expEdgeValues() {
        assertEquals(1f, ScalarMath.exp(0f));
        assertEquals(1f, ScalarMath.exp(-0f));
        assertEquals(1f, ScalarMath.exp(-Float.MIN_VALUE));
        assertEquals(0f, ScalarMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, ScalarMath.exp(-Float.MAX_VALUE));
        assertEquals(0f, ScalarMath.exp(-104f));
        assertEquals(0f, ScalarMath.exp(-1e10f));
        assertTrue(Float.isNaN(ScalarMath.exp(Float.NaN)));
        for (float x : new float[] {-87f, -87.3f, -87.33654f, -88f, -100f, -103f}) {
            assertTrue(ulps(ScalarMath.exp(x), Math.exp(x)) <= MAX_ULPS, "exp(" + x + ")");
        }
        // the subnormal range: correctly scaled results (to within one unit of Float.MIN_VALUE), never garbage
        for (float x = -87.5f; x > -104.5f; x -= 0.0009765625f) {
            float e = ScalarMath.exp(x);
            double exact = Math.exp(x);
            assertTrue(e >= 0f && Math.abs(e - exact) <= Math.max(Float.MIN_VALUE, 2e-7 * exact),
                    "exp(" + x + ") = " + e + ", exact " + exact);
        }
    }

    @Test
    void log1pIsAccurate() {
        assertTrue(sweep(ScalarMath::log1p, Math::log1p, 0f, 1f) <= MAX_ULPS);
        assertTrue(sweep(ScalarMath::log1p, Math::log1p, -0f, -0.29f) <= MAX_ULPS);
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < 200_000; i++) {
            float e = (float) rnd.nextDouble();
            assertTrue(ulps(ScalarMath.log1p(e), Math.log1p(e)) <= MAX_ULPS, () -> "log1p(" + e + ")");
            float t = (float) Math.exp(-30 * rnd.nextDouble()); // the exp(-|x|) the loss passes in
            assertTrue(ulps(ScalarMath.log1p(t), Math.log1p(t)) <= MAX_ULPS, () -> "log1p(" + t + ")");
        }
        assertEquals(0f, ScalarMath.log1p(0f));
        assertEquals(1e-30f, ScalarMath.log1p(1e-30f));
        assertEquals((float) Math.log(2), ScalarMath.log1p(1f), Math.ulp((float) Math.log(2)));
        assertTrue(Float.isNaN(ScalarMath.log1p(Float.NaN)));
    }

    @Test
    void logIsAccurate() {
        assertTrue(sweep(ScalarMath::log, Math::log, 1f, Float.MAX_VALUE) <= MAX_ULPS);
        assertTrue(sweep(ScalarMath::log, Math::log, Float.MIN_NORMAL, 1f) <= MAX_ULPS);
        SplittableRandom rnd = new SplittableRandom(9);
        for (int i = 0; i < 200_000; i++) {
            float z = (float) (1 + 200 * rnd.nextDouble()); // a softmax sum over up to ~200 classes
            assertTrue(ulps(ScalarMath.log(z), Math.log(z)) <= MAX_ULPS, () -> "log(" + z + ")");
        }
        assertEquals(0f, ScalarMath.log(1f));
        assertEquals(Float.POSITIVE_INFINITY, ScalarMath.log(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(ScalarMath.log(Float.NaN)));
        assertEquals((float) Math.log(Float.MAX_VALUE), ScalarMath.log(Float.MAX_VALUE),
                Math.ulp((float) Math.log(Float.MAX_VALUE)));
    }
}
