package dev.pixelflow.simd.internal.scalar;

/**
 * Float exp, log1p and log as short polynomials, step for step the scalar twin of the vector
 * {@code VectorMath}: every operation is a correctly rounded float add, multiply, fused multiply-add or an
 * integer operation on the bits, in the same order, so one float in gives the very same float out of either,
 * on any JIT tier. {@code Math.exp/log} and the Vector API's {@code EXP/LOG} carry no such promise (the
 * latter's compiled and interpreted code differ in the last bits), and both are slow next to these.
 *
 * <p>Accuracy over the documented domains, against {@code Math.exp/log1p/log} rounded to float, is stated
 * (and checked) in {@code VectorMathTest}: within about 1.1 ulp of the exact value.
 */
public final class ScalarMath {
    // exp: x = n ln2 + r, |r| <= ln2/2; exp(r) = 1 + r + r^2 P(r); exp(x) = exp(r) 2^n.
    /** log2(e). */
    public static final float LOG2E = 1.44269504f;
    /**
     * 1.5 * 2^23: adding it to |v| &lt; 2^22 rounds v to the nearest integer n (ties to even) and leaves n in
     * the low mantissa bits, so n needs no float-to-int conversion.
     */
    public static final float SHIFTER = 12582912f;
    /** ln2 split so that n * LN2_HI is exact for |n| &lt; 2^15 (9 significant bits) and LN2_HI + LN2_LO ~ ln2. */
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    /**
     * -150 ln2: below it e^x is under half of Float.MIN_VALUE, and exp returns 0 (as correct rounding would).
     * Above it 2^(n + 24) is a normal float, so the result is y 2^(n + 24) (exact) times 2^-24 (one rounding,
     * only when the result is subnormal): subnormal results are correctly scaled, never exponent-field garbage.
     */
    public static final float EXP_MIN = -103.97208f;
    /** 2^-24, the second factor of the scaling. */
    public static final float TWO_M24 = 0x1p-24f;
    /** Minimax coefficients of (exp(r) - 1 - r) / r^2 on [-ln2/2, ln2/2] (relative error ~3e-9). */
    public static final float E0 = 0.49999994f;
    public static final float E1 = 0.16666521f;
    public static final float E2 = 0.04166839f;
    public static final float E3 = 0.008368731f;
    public static final float E4 = 0.001381457f;

    // log1p: s = e / (2 + e), log1p(e) = 2 atanh(s) = 2s + s w Q(w) with w = s^2 <= 1/9 for e in [-0.29, 1].
    /** Minimax coefficients of Q(w) = (2 atanh(sqrt w) / sqrt w - 2) / w on [0, 1/9] (relative error ~5e-9). */
    public static final float Q0 = 0.6666642f;
    public static final float Q1 = 0.40021527f;
    public static final float Q2 = 0.28001803f;
    public static final float Q3 = 0.28011993f;

    // log: z = 2^k m with m in [sqrt(1/2), sqrt(2)); log z = k ln2 + log1p(m - 1).
    /** Bits of sqrt(1/2): subtracting them from the bits of z puts k in the exponent field (musl's logf split). */
    public static final int SQRT_HALF_BITS = 0x3f3504f3;
    public static final int MANTISSA_MASK = 0x007fffff;

    private ScalarMath() {
    }

    /**
     * e^x for x &lt;= 70 (the kernels need x &lt;= 0; above ~71 the scale 2^(n + 24) overflows): 0 below
     * {@link #EXP_MIN} and at -inf, 1 at +-0, NaN stays NaN, subnormal results down to Float.MIN_VALUE.
     */
    public static float exp(float x) {
        float t = Math.fma(x, LOG2E, SHIFTER);
        float n = t - SHIFTER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(E4, r, E3), r, E2), r, E1), r, E0);
        float y = 1f + Math.fma(p, r * r, r);
        // the bits of t are those of SHIFTER plus n, and SHIFTER's low 9 bits are zero, so shifting
        // (bits + 151) left by 23 leaves exactly the biased exponent n + 24 + 127: the float 2^(n + 24)
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) + 151) << 23);
        return x < EXP_MIN ? 0f : y * scale * TWO_M24;
    }

    /** ln(1 + e) for e in [-0.29, 1] (the loss kernels pass e = exp(-|x|) in [0, 1]); NaN stays NaN. */
    public static float log1p(float e) {
        float s = e / (2f + e);
        float w = s * s;
        float q = Math.fma(Math.fma(Math.fma(Q3, w, Q2), w, Q1), w, Q0);
        // 2s = e - s e: so the result is e + s (w Q - e), whose leading term e carries no rounding error
        return Math.fma(s, Math.fma(w, q, -e), e);
    }

    /** ln z for positive normal z (the softmax passes a sum of exps in [1, classes]); +inf and NaN stay. */
    public static float log(float z) {
        int ix = Float.floatToRawIntBits(z) - SQRT_HALF_BITS;
        float k = ix >> 23;
        float f = Float.intBitsToFloat((ix & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
        float l = Math.fma(k, LN2_HI, Math.fma(k, LN2_LO, log1p(f)));
        return z <= Float.MAX_VALUE ? l : z;
    }
}
