package dev.pixelflow.simd.internal.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference kernels of the input normalizers: moments and range of a contiguous run of floats, and the
 * per-group affine map. Each reads memory once: moments are taken per L1-sized chunk (sum, then squared
 * deviations of the still cached chunk, in double) and chunks are merged with Chan et al.'s formula.
 */
public final class ScalarNorm {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Floats per chunk: 8 KiB, stays in L1 between the two passes over it. */
    static final int CHUNK = 2048;

    private ScalarNorm() {
    }

    /** See {@link dev.pixelflow.simd.internal.Kernels#normMoments}. */
    public static boolean moments(MemorySegment a, long off, long n, double[] out, int outOff) {
        assert n >= 1;
        long count = 0;
        double mean = 0;
        double m2 = 0;
        boolean finite = true;
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            long base = off + start;
            double s = 0;
            for (int i = 0; i < len; i++) {
                float x = a.getAtIndex(F, base + i);
                finite &= Math.abs(x) <= Float.MAX_VALUE;
                s += x;
            }
            double cm = s / len;
            double cm2 = 0;
            for (int i = 0; i < len; i++) {
                double d = a.getAtIndex(F, base + i) - cm;
                cm2 += d * d;
            }
            long total = count + len;
            double delta = cm - mean;
            mean += delta * len / total;
            m2 += cm2 + delta * delta * ((double) count * len / total);
            count = total;
        }
        out[outOff] = mean;
        out[outOff + 1] = m2;
        return finite;
    }

    /** See {@link dev.pixelflow.simd.internal.Kernels#normMinMax}. */
    public static boolean minMax(MemorySegment a, long off, long n, double[] out, int outOff) {
        assert n >= 1;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (long i = 0; i < n; i++) {
            float x = a.getAtIndex(F, off + i);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        out[outOff] = lo;
        out[outOff + 1] = hi;
        return lo >= -Float.MAX_VALUE && hi <= Float.MAX_VALUE;
    }

    /** See {@link dev.pixelflow.simd.internal.Kernels#normAffine}. */
    public static long affine(MemorySegment in, long inOff, MemorySegment out, long outOff, long n, float shiftHi,
                              float shiftLo, float mul, float add, float lo, float hi, boolean checkFinite) {
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            long src = inOff + start;
            long dst = outOff + start;
            if (checkFinite) {
                for (int i = 0; i < len; i++) {
                    if (!(Math.abs(in.getAtIndex(F, src + i)) <= Float.MAX_VALUE)) {
                        return start + i;
                    }
                }
            }
            for (int i = 0; i < len; i++) {
                float d = (in.getAtIndex(F, src + i) - shiftHi) - shiftLo;
                out.setAtIndex(F, dst + i, Math.min(Math.max(Math.fma(d, mul, add), lo), hi));
            }
        }
        return -1;
    }
}
