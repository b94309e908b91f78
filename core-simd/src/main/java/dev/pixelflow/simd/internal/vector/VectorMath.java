package dev.pixelflow.simd.internal.vector;

import static dev.pixelflow.simd.internal.scalar.ScalarMath.E0;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.E1;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.E2;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.E3;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.E4;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.EXP_MIN;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.LN2_HI;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.LN2_LO;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.LOG2E;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.MANTISSA_MASK;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.Q0;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.Q1;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.Q2;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.Q3;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.SHIFTER;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.SQRT_HALF_BITS;
import static dev.pixelflow.simd.internal.scalar.ScalarMath.TWO_M24;

import dev.pixelflow.simd.internal.scalar.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanewise exp, log1p and log from plain float arithmetic (FMA, bit shifts, reinterpretation), the vector
 * twins of {@link ScalarMath}: the same operations in the same order, so each lane equals the scalar result
 * bit for bit, before and after JIT compilation. The methods are small so that C2 inlines them into the
 * kernels' loops (a vector passed to a method that is not inlined is boxed). Domains and accuracy are those
 * of {@link ScalarMath}. Without hardware FMA (see {@link Simd#FMA}) the fused multiply-adds fall back to
 * {@code Math.fma} per lane: slow, but still the same results.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    // Constants broadcast once: an inline broadcast per use adds a chain of nodes to C2's parse of every kernel
    // loop, and past its inlining node budget calls stop being inlined and vectors get boxed.
    private static final FloatVector V_LOG2E = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector V_SHIFTER = FloatVector.broadcast(S, SHIFTER);
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_LN2_HI = FloatVector.broadcast(S, LN2_HI);
    private static final FloatVector V_LN2_LO = FloatVector.broadcast(S, LN2_LO);
    private static final FloatVector V_E0 = FloatVector.broadcast(S, E0);
    private static final FloatVector V_E1 = FloatVector.broadcast(S, E1);
    private static final FloatVector V_E2 = FloatVector.broadcast(S, E2);
    private static final FloatVector V_E3 = FloatVector.broadcast(S, E3);
    private static final FloatVector V_E4 = FloatVector.broadcast(S, E4);
    private static final FloatVector V_Q0 = FloatVector.broadcast(S, Q0);
    private static final FloatVector V_Q1 = FloatVector.broadcast(S, Q1);
    private static final FloatVector V_Q2 = FloatVector.broadcast(S, Q2);
    private static final FloatVector V_Q3 = FloatVector.broadcast(S, Q3);
    private static final FloatVector V_ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector V_TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector V_ZERO = FloatVector.zero(S);
    private static final FloatVector V_TWO_M24 = FloatVector.broadcast(S, TWO_M24);
    private static final FloatVector V_EXP_MIN = FloatVector.broadcast(S, EXP_MIN);
    private static final FloatVector V_MAX = FloatVector.broadcast(S, Float.MAX_VALUE);
    private static final IntVector V_151 = (IntVector) V_ZERO.reinterpretAsInts().broadcast(151);
    private static final IntVector V_SQRT_HALF_BITS = (IntVector) V_ZERO.reinterpretAsInts().broadcast(SQRT_HALF_BITS);
    private static final IntVector V_MANTISSA_MASK = (IntVector) V_ZERO.reinterpretAsInts().broadcast(MANTISSA_MASK);

    private VectorMath() {
    }

    /** See {@link ScalarMath#exp}: e^x for x &lt;= 70, 0 below -150 ln2 and at -inf. */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.fma(V_LOG2E, V_SHIFTER);
        FloatVector n = t.sub(V_SHIFTER);
        FloatVector r = n.fma(V_NEG_LN2_HI, x);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(V_E4, V_E3).fma(r, V_E2).fma(r, V_E1).fma(r, V_E0);
        FloatVector y = p.fma(r.mul(r), r).add(V_ONE);
        // 2^(n + 24) from the bits of t (see ScalarMath.exp)
        FloatVector scale = t.reinterpretAsInts().add(V_151).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return y.mul(scale).mul(V_TWO_M24).blend(V_ZERO, x.compare(VectorOperators.LT, V_EXP_MIN));
    }

    /** See {@link ScalarMath#log1p}: ln(1 + e) for e in [-0.29, 1]. */
    static FloatVector log1p(FloatVector e) {
        FloatVector s = e.div(e.add(V_TWO));
        FloatVector w = s.mul(s);
        FloatVector q = w.fma(V_Q3, V_Q2).fma(w, V_Q1).fma(w, V_Q0);
        return s.fma(w.fma(q, e.neg()), e);
    }

    /** See {@link ScalarMath#log}: ln z for positive normal z; +inf and NaN stay. */
    static FloatVector log(FloatVector z) {
        IntVector ix = (IntVector) z.reinterpretAsInts().sub(V_SQRT_HALF_BITS);
        // convertShape to the constant species: convert(I2F, 0) derives the target species at run time, and C2 then
        // leaves the conversion to the (very slow) Java fallback instead of one instruction
        FloatVector k = (FloatVector) ix.lanewise(VectorOperators.ASHR, 23).convertShape(VectorOperators.I2F, S, 0);
        FloatVector f = ix.and(V_MANTISSA_MASK).add(V_SQRT_HALF_BITS).reinterpretAsFloats().sub(V_ONE);
        // log1p(f), written out: a nested call would be one more inlining decision, and in a large kernel C2's
        // node budget may already be spent by then
        FloatVector s = f.div(f.add(V_TWO));
        FloatVector w = s.mul(s);
        FloatVector q = w.fma(V_Q3, V_Q2).fma(w, V_Q1).fma(w, V_Q0);
        FloatVector lp = s.fma(w.fma(q, f.neg()), f);
        FloatVector l = k.fma(V_LN2_HI, k.fma(V_LN2_LO, lp));
        return l.blend(z, z.compare(VectorOperators.LE, V_MAX).not());
    }
}
