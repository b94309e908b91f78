package dev.pixelflow.simd.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels of the input normalizers (twins of {@code ScalarNorm}). They are memory-bound, so each reads
 * its run of floats from memory exactly once: the moments kernel makes its two passes (sum, then squared
 * deviations) over one L1-sized chunk at a time, the affine kernel checks a chunk for non-finite values before
 * writing it.
 */
final class VectorNorm {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Floats per chunk: 8 KiB, a multiple of 4 vectors, stays in L1 between the passes over it. */
    private static final int CHUNK = 2048;

    private VectorNorm() {
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    /**
     * Count/mean/M2 of a[off, off + n). Per chunk: float sum with four accumulators, chunk centre m = sum / len
     * rounded to float, then sum(d) and sum(d^2) of
     * d = x - m; the chunk's mean is m + sum(d)/len and its M2 is sum(d^2) - sum(d)^2/len, which corrects the
     * rounding of m, so a large common offset (mean 1e4, std 1) costs no accuracy. Chunks merge in double by
     * Chan et al.'s formula.
     */
    static boolean moments(MemorySegment a, long off, long n, double[] out, int outOff) {
        assert n >= 1;
        long count = 0;
        double mean = 0;
        double m2 = 0;
        boolean finite = true;
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            long base = off + start;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int i = 0;
            for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                long at = base + i;
                FloatVector x0 = load(a, at);
                FloatVector x1 = load(a, at + L);
                FloatVector x2 = load(a, at + 2 * L);
                FloatVector x3 = load(a, at + 3 * L);
                s0 = s0.add(x0);
                s1 = s1.add(x1);
                s2 = s2.add(x2);
                s3 = s3.add(x3);
            }
            for (int bound = S.loopBound(len); i < bound; i += L) {
                FloatVector x = load(a, base + i);
                s0 = s0.add(x);
            }
            float sum = Simd.sum(s0.add(s1).add(s2.add(s3)));
            for (int j = i; j < len; j++) {
                sum += a.getAtIndex(F, base + j);
            }
            float m = (float) ((double) sum / len);
            FloatVector mv = FloatVector.broadcast(S, m);
            FloatVector d0 = FloatVector.zero(S);
            FloatVector d1 = d0;
            FloatVector q0 = d0;
            FloatVector q1 = d0;
            FloatVector q2 = d0;
            FloatVector q3 = d0;
            i = 0;
            for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                long at = base + i;
                FloatVector e0 = load(a, at).sub(mv);
                FloatVector e1 = load(a, at + L).sub(mv);
                FloatVector e2 = load(a, at + 2 * L).sub(mv);
                FloatVector e3 = load(a, at + 3 * L).sub(mv);
                d0 = d0.add(e0.add(e2));
                d1 = d1.add(e1.add(e3));
                q0 = e0.fma(e0, q0);
                q1 = e1.fma(e1, q1);
                q2 = e2.fma(e2, q2);
                q3 = e3.fma(e3, q3);
            }
            for (int bound = S.loopBound(len); i < bound; i += L) {
                FloatVector e = load(a, base + i).sub(mv);
                d0 = d0.add(e);
                q0 = e.fma(e, q0);
            }
            float sd = Simd.sum(d0.add(d1));
            float sq = Simd.sum(q0.add(q1).add(q2.add(q3)));
            for (; i < len; i++) {
                float e = a.getAtIndex(F, base + i) - m;
                sd += e;
                sq = Math.fma(e, e, sq);
            }
            double cm;
            double cm2;
            if (Float.isFinite(sum) && Float.isFinite(sq)) {
                cm = m + (double) sd / len;
                cm2 = Math.max(0.0, sq - (double) sd * sd / len);
            } else {
                // a NaN or an infinity makes the float sums non-finite, and so may finite huge values that
                // overflow them: tell the two apart, and redo the chunk in double
                double s = 0;
                for (int j = 0; j < len; j++) {
                    float x = a.getAtIndex(F, base + j);
                    finite &= Math.abs(x) <= Float.MAX_VALUE;
                    s += x;
                }
                cm = s / len;
                cm2 = 0;
                for (int j = 0; j < len; j++) {
                    double e = a.getAtIndex(F, base + j) - cm;
                    cm2 += e * e;
                }
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

    /**
     * Min and max of a[off, off + n) with four accumulators each; false when a value is NaN or infinite. The
     * accumulators take a value by compare and blend (two instructions) rather than by {@code min}/{@code max}, whose
     * NaN-propagating Java semantics cost five instructions and a longer dependency chain on x86; NaN, which no
     * compare selects, is caught by its own mask instead.
     */
    static boolean minMax(MemorySegment a, long off, long n, double[] out, int outOff) {
        assert n >= 1;
        FloatVector lo0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        FloatVector lo1 = lo0;
        FloatVector lo2 = lo0;
        FloatVector lo3 = lo0;
        FloatVector hi0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector hi1 = hi0;
        FloatVector hi2 = hi0;
        FloatVector hi3 = hi0;
        VectorMask<Float> nan = S.maskAll(false);
        long i = 0;
        for (long bound = n - n % (4L * L); i < bound; i += 4L * L) {
            long at = off + i;
            FloatVector x0 = load(a, at);
            FloatVector x1 = load(a, at + L);
            FloatVector x2 = load(a, at + 2 * L);
            FloatVector x3 = load(a, at + 3 * L);
            lo0 = lo0.blend(x0, x0.compare(VectorOperators.LT, lo0));
            lo1 = lo1.blend(x1, x1.compare(VectorOperators.LT, lo1));
            lo2 = lo2.blend(x2, x2.compare(VectorOperators.LT, lo2));
            lo3 = lo3.blend(x3, x3.compare(VectorOperators.LT, lo3));
            hi0 = hi0.blend(x0, x0.compare(VectorOperators.GT, hi0));
            hi1 = hi1.blend(x1, x1.compare(VectorOperators.GT, hi1));
            hi2 = hi2.blend(x2, x2.compare(VectorOperators.GT, hi2));
            hi3 = hi3.blend(x3, x3.compare(VectorOperators.GT, hi3));
            nan = nan.or(x0.compare(VectorOperators.NE, x0)).or(x1.compare(VectorOperators.NE, x1))
                    .or(x2.compare(VectorOperators.NE, x2)).or(x3.compare(VectorOperators.NE, x3));
        }
        for (long bound = S.loopBound(n); i < bound; i += L) {
            FloatVector x = load(a, off + i);
            lo0 = lo0.blend(x, x.compare(VectorOperators.LT, lo0));
            hi0 = hi0.blend(x, x.compare(VectorOperators.GT, hi0));
            nan = nan.or(x.compare(VectorOperators.NE, x));
        }
        float lo = lo0.min(lo1).min(lo2.min(lo3)).reduceLanes(VectorOperators.MIN);
        float hi = hi0.max(hi1).max(hi2.max(hi3)).reduceLanes(VectorOperators.MAX);
        boolean finite = !nan.anyTrue();
        for (; i < n; i++) {
            float x = a.getAtIndex(F, off + i);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        out[outOff] = lo;
        out[outOff + 1] = hi;
        return finite && lo >= -Float.MAX_VALUE && hi <= Float.MAX_VALUE;
    }

    /**
     * out = clamp(fma((x - shiftHi) - shiftLo, mul, add), lo, hi) per element; with {@code checkFinite} each
     * chunk is scanned (max |x|, still in L1 for the transform) before any of it is written.
     */
    static long affine(MemorySegment in, long inOff, MemorySegment out, long outOff, long n, float shiftHi,
                       float shiftLo, float mul, float add, float lo, float hi, boolean checkFinite) {
        FloatVector h = FloatVector.broadcast(S, shiftHi);
        FloatVector l = FloatVector.broadcast(S, shiftLo);
        FloatVector m = FloatVector.broadcast(S, mul);
        FloatVector b = FloatVector.broadcast(S, add);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        // without clipping the clamp to [-inf, inf] changes nothing (NaN stays NaN), and its Java min/max cost
        // ten instructions per vector against the transform's three; C2 unswitches the loop on this flag
        boolean clamp = lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            long src = inOff + start;
            long dst = outOff + start;
            if (checkFinite) {
                FloatVector g0 = FloatVector.zero(S);
                FloatVector g1 = g0;
                int i = 0;
                for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                    long at = src + i;
                    g0 = g0.max(load(in, at).abs().max(load(in, at + L).abs()));
                    g1 = g1.max(load(in, at + 2 * L).abs().max(load(in, at + 3 * L).abs()));
                }
                for (int bound = S.loopBound(len); i < bound; i += L) {
                    g0 = g0.max(load(in, src + i).abs());
                }
                boolean ok = g0.max(g1).reduceLanes(VectorOperators.MAX) <= Float.MAX_VALUE;
                for (; i < len && ok; i++) {
                    ok = Math.abs(in.getAtIndex(F, src + i)) <= Float.MAX_VALUE;
                }
                if (!ok) {
                    for (int j = 0; j < len; j++) {
                        if (!(Math.abs(in.getAtIndex(F, src + j)) <= Float.MAX_VALUE)) {
                            return start + j;
                        }
                    }
                }
            }
            int i = 0;
            for (int bound = len - len % (4 * L); i < bound; i += 4 * L) {
                long at = src + i;
                long to = dst + i;
                FloatVector y0 = load(in, at).sub(h).sub(l).fma(m, b);
                FloatVector y1 = load(in, at + L).sub(h).sub(l).fma(m, b);
                FloatVector y2 = load(in, at + 2 * L).sub(h).sub(l).fma(m, b);
                FloatVector y3 = load(in, at + 3 * L).sub(h).sub(l).fma(m, b);
                if (clamp) {
                    y0 = y0.max(lov).min(hiv);
                    y1 = y1.max(lov).min(hiv);
                    y2 = y2.max(lov).min(hiv);
                    y3 = y3.max(lov).min(hiv);
                }
                y0.intoMemorySegment(out, to * Float.BYTES, O);
                y1.intoMemorySegment(out, (to + L) * Float.BYTES, O);
                y2.intoMemorySegment(out, (to + 2 * L) * Float.BYTES, O);
                y3.intoMemorySegment(out, (to + 3 * L) * Float.BYTES, O);
            }
            for (int bound = S.loopBound(len); i < bound; i += L) {
                load(in, src + i).sub(h).sub(l).fma(m, b).max(lov).min(hiv)
                        .intoMemorySegment(out, (dst + i) * Float.BYTES, O);
            }
            for (; i < len; i++) {
                float d = (in.getAtIndex(F, src + i) - shiftHi) - shiftLo;
                out.setAtIndex(F, dst + i, Math.min(Math.max(Math.fma(d, mul, add), lo), hi));
            }
        }
        return -1;
    }
}
