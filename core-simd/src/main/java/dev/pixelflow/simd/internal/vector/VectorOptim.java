package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.scalar.ScalarOptim;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API optimizer updates and gradient checks. The updates stream over the flat parameter, gradient and state
 * arrays once (they are bound by memory bandwidth, so one vector per iteration is enough); each lane computes the
 * same float operations in the same order as {@link ScalarOptim}, without fma, so both round identically. Tails
 * go to the scalar twin.
 */
final class VectorOptim {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    /** Squares are summed in float vectors within blocks of this many elements, blocks are added in double. */
    private static final int BLOCK = 1024;

    private VectorOptim() {
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    static void sgd(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                    float weightDecay, float momentum, float dampening, boolean nesterov, boolean first) {
        long end = off + n;
        long i = off;
        long bound = off + S.loopBound(n);
        float keep = 1f - dampening;
        if (buf == null) {
            for (; i < bound; i += L) {
                FloatVector w = load(p, i);
                FloatVector d = load(g, i).add(w.mul(weightDecay));
                w.sub(d.mul(lr)).intoMemorySegment(p, i * Float.BYTES, O);
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector w = load(p, i);
                FloatVector d = load(g, i).add(w.mul(weightDecay));
                FloatVector b = first ? d : load(buf, i).mul(momentum).add(d.mul(keep));
                b.intoMemorySegment(buf, i * Float.BYTES, O);
                d = nesterov ? d.add(b.mul(momentum)) : b;
                w.sub(d.mul(lr)).intoMemorySegment(p, i * Float.BYTES, O);
            }
        }
        ScalarOptim.sgd(p, g, buf, i, end - i, lr, weightDecay, momentum, dampening, nesterov, first);
    }

    static void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                     float beta1, float c1, float beta2, float c2, float stepSize, float bc2Sqrt, float eps, float l2,
                     float decayScale) {
        long end = off + n;
        long i = off;
        long bound = off + S.loopBound(n);
        for (; i < bound; i += L) {
            long at = i * Float.BYTES;
            FloatVector w = load(p, i).mul(decayScale);
            FloatVector d = load(g, i).add(w.mul(l2));
            FloatVector mi = load(m, i).mul(beta1).add(d.mul(c1));
            FloatVector vi = load(v, i).mul(beta2).add(d.mul(d).mul(c2));
            mi.intoMemorySegment(m, at, O);
            vi.intoMemorySegment(v, at, O);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            w.sub(mi.div(denom).mul(stepSize)).intoMemorySegment(p, at, O);
        }
        ScalarOptim.adam(p, g, m, v, i, end - i, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, l2, decayScale);
    }

    /**
     * Four float accumulators per block; a block whose float sum is not finite (a non-finite element, or finite
     * squares beyond the float range) is summed again in double, so the result is exact in kind: finite exactly
     * when every element is.
     */
    static double squaredNorm(MemorySegment a, long n) {
        double total = 0;
        long i = 0;
        while (n - i >= 4L * L) {
            long stop = i + Math.min(BLOCK, (n - i) / (4L * L) * (4L * L));
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            for (long j = i; j < stop; j += 4L * L) {
                FloatVector x0 = load(a, j);
                FloatVector x1 = load(a, j + L);
                FloatVector x2 = load(a, j + 2L * L);
                FloatVector x3 = load(a, j + 3L * L);
                s0 = x0.fma(x0, s0);
                s1 = x1.fma(x1, s1);
                s2 = x2.fma(x2, s2);
                s3 = x3.fma(x3, s3);
            }
            float block = Simd.sum(s0.add(s1).add(s2.add(s3)));
            total += Float.isFinite(block) ? block : ScalarOptim.squaredNorm(a, i, stop);
            i = stop;
        }
        return total + ScalarOptim.squaredNorm(a, i, n);
    }

    static void clamp(MemorySegment a, float lo, float hi, long n) {
        long i = 0;
        for (long bound = S.loopBound(n); i < bound; i += L) {
            // lanewise MAX/MIN are Math.max/min: NaN stays NaN
            load(a, i).max(lo).min(hi).intoMemorySegment(a, i * Float.BYTES, O);
        }
        ScalarOptim.clamp(a, lo, hi, i, n);
    }
}
