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

import dev.pixelflow.simd.internal.scalar.ScalarMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Lanewise exp, log1p and log from plain float arithmetic (FMA, bit shifts, reinterpretation), the vector
 * twins of {@link ScalarMath}: the same operations in the same order, so each lane equals the scalar result
 * bit for bit, before and after JIT compilation. The methods are small so that C2 inlines them into the
 * kernels' loops (a vector passed to a method that is not inlined is boxed). Domains and accuracy are those
 * of {@link ScalarMath}.
 */
final class VectorMath {
    private VectorMath() {
    }

    /** a * b + c, fused. */
    private static FloatVector fma(FloatVector a, FloatVector b, float c) {
        return a.lanewise(VectorOperators.FMA, b, c);
    }

    /** See {@link ScalarMath#exp}: e^x for x &lt;= 88, 0 below ln(Float.MIN_NORMAL) and at -inf. */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.fma(LOG2E, SHIFTER);
        FloatVector n = t.sub(SHIFTER);
        FloatVector r = n.lanewise(VectorOperators.FMA, -LN2_HI, x);
        r = n.lanewise(VectorOperators.FMA, -LN2_LO, r);
        FloatVector p = fma(fma(fma(r.fma(E4, E3), r, E2), r, E1), r, E0);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        // 2^n from the bits of t (see ScalarMath.exp)
        FloatVector scale = t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return y.mul(scale).blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
    }

    /** See {@link ScalarMath#log1p}: ln(1 + e) for e in [-0.29, 1]. */
    static FloatVector log1p(FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector w = s.mul(s);
        FloatVector q = fma(fma(w.fma(Q3, Q2), w, Q1), w, Q0);
        return s.fma(w.fma(q, e.neg()), e);
    }

    /** See {@link ScalarMath#log}: ln z for positive normal z; +inf and NaN stay. */
    static FloatVector log(FloatVector z) {
        IntVector ix = z.reinterpretAsInts().sub(SQRT_HALF_BITS);
        FloatVector k = (FloatVector) ix.lanewise(VectorOperators.ASHR, 23).convert(VectorOperators.I2F, 0);
        FloatVector f = ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector lp = log1p(f);
        FloatVector l = k.lanewise(VectorOperators.FMA, LN2_HI, k.lanewise(VectorOperators.FMA, LN2_LO, lp));
        return l.blend(z, z.compare(VectorOperators.LE, Float.MAX_VALUE).not());
    }
}
