package dev.pixelflow.simd.internal.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference optimizer updates and gradient checks (see {@code Kernels.sgdUpdate}, {@code adamUpdate},
 * {@code squaredNorm}, {@code clamp}). The updates compute in float with separate multiplies and adds (no fma) in
 * the order the formulas are written, so the vector kernels, which do the same per lane, round identically; the
 * vector kernels call the range methods here for their tails.
 */
public final class ScalarOptim {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarOptim() {
    }

    /** SGD on elements [off, off + n); see {@code Kernels.sgdUpdate}. */
    public static void sgd(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                           float weightDecay, float momentum, float dampening, boolean nesterov, boolean first) {
        float keep = 1f - dampening;
        for (long i = off, end = off + n; i < end; i++) {
            float w = p.getAtIndex(F, i);
            float d = g.getAtIndex(F, i) + weightDecay * w;
            if (buf != null) {
                float b = first ? d : momentum * buf.getAtIndex(F, i) + keep * d;
                buf.setAtIndex(F, i, b);
                d = nesterov ? d + momentum * b : b;
            }
            p.setAtIndex(F, i, w - lr * d);
        }
    }

    /** Adam/AdamW on elements [off, off + n); see {@code Kernels.adamUpdate}. */
    public static void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                            float beta1, float c1, float beta2, float c2, float stepSize, float bc2Sqrt, float eps,
                            float l2, float decayScale) {
        for (long i = off, end = off + n; i < end; i++) {
            float w = p.getAtIndex(F, i) * decayScale;
            float d = g.getAtIndex(F, i) + l2 * w;
            float mi = beta1 * m.getAtIndex(F, i) + c1 * d;
            float vi = beta2 * v.getAtIndex(F, i) + c2 * (d * d);
            m.setAtIndex(F, i, mi);
            v.setAtIndex(F, i, vi);
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p.setAtIndex(F, i, w - stepSize * (mi / denom));
        }
    }

    /** sum a[i]^2 over [0, n) in double. */
    public static double squaredNorm(MemorySegment a, long n) {
        return squaredNorm(a, 0, n);
    }

    /** sum a[i]^2 over [from, to) in double. */
    public static double squaredNorm(MemorySegment a, long from, long to) {
        double s = 0;
        for (long i = from; i < to; i++) {
            double x = a.getAtIndex(F, i);
            s += x * x;
        }
        return s;
    }

    /** Clamps [0, n) in place. */
    public static void clamp(MemorySegment a, float lo, float hi, long n) {
        clamp(a, lo, hi, 0, n);
    }

    /** Clamps [from, to) in place; NaN stays NaN. */
    public static void clamp(MemorySegment a, float lo, float hi, long from, long to) {
        for (long i = from; i < to; i++) {
            a.setAtIndex(F, i, Math.min(Math.max(a.getAtIndex(F, i), lo), hi));
        }
    }
}
