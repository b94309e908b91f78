package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.BlockSums;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.scalar.ScalarLosses;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loss kernels. Elements are computed in float lanes; lane sums are flushed into a double every
 * {@link #CHUNK} elements (pixels for the softmax loss), so the float error does not grow with the tensor
 * size. The work is cut into the same fixed items as {@link ScalarLosses}, spread over the compute pool, and
 * the items' partial sums are added in item order, so the thread count never changes a result.
 */
final class VectorLosses {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int CHUNK = 2048;
    /** Labels per float flush of the label weight sum: short, so that the weighted sum keeps ~1e-7. */
    private static final int LABEL_CHUNK = 128;

    private VectorLosses() {
    }

    // ------------------------------------------------------------------ binary cross-entropy

    static double bceWithLogits(ComputePool pool, MemorySegment xs, MemorySegment ys, MemorySegment ws,
                                MemorySegment pws, int batch, int channels, long inner, float gradScale,
                                MemorySegment gs, MemorySegment ls) {
        if (inner == 0) {
            return 0;
        }
        long block = ScalarLosses.BCE_BLOCK;
        long perPlane = (inner + block - 1) / block;
        int items = Math.toIntExact((long) batch * channels * perPlane);
        return BlockSums.sum(pool, items, item -> {
            long plane = item / perPlane;
            long blk = item % perPlane;
            int c = (int) (plane % channels);
            float p = pws == null ? 1f : pws.getAtIndex(F, c);
            long from = plane * inner + blk * block;
            long to = Math.min(plane * inner + inner, from + block);
            return bceBlock(xs, ys, ws, p, from, to, gradScale, gs, ls);
        });
    }

    /** Elements [from, to) of one plane: vector chunks, then the scalar tail; NaN on invalid input. */
    private static double bceBlock(MemorySegment xs, MemorySegment ys, MemorySegment ws, float p, long from,
                                   long to, float gradScale, MemorySegment gs, MemorySegment ls) {
        double sum = 0;
        long i = from;
        while (to - i >= L) {
            long stop = i + Math.min(CHUNK, (to - i) / L * L);
            float part = run(xs, ys, ws, p, i, stop, gradScale, gs, ls);
            if (Float.isNaN(part)) {
                return Double.NaN;
            }
            sum += part;
            i = stop;
        }
        if (i < to) {
            sum += ScalarLosses.bceRun(xs, ys, ws, p, i, to, gradScale, gs, ls);
        }
        return sum;
    }

    /**
     * Elements [from, to), a whole number of vectors, into two accumulators: vectors 0, 2, 4, ... of the run
     * into one, 1, 3, 5, ... into the other, added at the end. NaN (nothing written for the offending vector)
     * on invalid input.
     *
     * <p>One vector per iteration, the accumulators trading places each time (which keeps exactly that order
     * of additions): a body unrolled by hand would put two more copies of the inlined exp and log1p into the
     * method, past C2's inlining node budget, and a vector passed to a method that is not inlined is boxed.
     * The iterations are independent, so the CPU overlaps them anyway.
     */
    private static float run(MemorySegment xs, MemorySegment ys, MemorySegment ws, float p, long from, long to,
                             float gradScale, MemorySegment gs, MemorySegment ls) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        for (long i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromMemorySegment(S, xs, i * 4, Simd.ORDER);
            FloatVector y = FloatVector.fromMemorySegment(S, ys, i * 4, Simd.ORDER);
            FloatVector w = ws == null ? null : FloatVector.fromMemorySegment(S, ws, i * 4, Simd.ORDER);
            VectorMask<Float> ok = x.abs().compare(VectorOperators.LE, Float.MAX_VALUE)
                    .and(y.compare(VectorOperators.GE, 0f)).and(y.compare(VectorOperators.LE, 1f));
            if (w != null) {
                ok = ok.and(w.compare(VectorOperators.GE, 0f)).and(w.compare(VectorOperators.LE, Float.MAX_VALUE));
            }
            if (!ok.allTrue()) {
                return Float.NaN;
            }
            FloatVector e = VectorMath.exp(x.abs().neg());
            FloatVector softplusNeg = VectorMath.log1p(e).add(x.neg().max(0f));
            // (1-y)*x + (1+(p-1)*y)*softplus(-x)
            FloatVector l = y.neg().add(1f).mul(x).add(y.mul(p - 1f).add(1f).mul(softplusNeg));
            if (w != null) {
                l = l.mul(w);
            }
            FloatVector sum = acc0.add(l);
            acc0 = acc1;
            acc1 = sum;
            if (ls != null) {
                l.intoMemorySegment(ls, i * 4, Simd.ORDER);
            }
            if (gs != null) {
                FloatVector sig = FloatVector.broadcast(S, 1f).blend(e, x.compare(VectorOperators.LT, 0f))
                        .div(e.add(1f));
                FloatVector py = y.mul(p);
                FloatVector g = py.sub(y).add(1f).mul(sig).sub(py);
                g = w == null ? g.mul(gradScale) : g.mul(w.mul(gradScale));
                g.intoMemorySegment(gs, i * 4, Simd.ORDER);
            }
        }
        // after an odd number of vectors the accumulators are swapped: addition commutes, the sum is the same
        return Simd.sum(acc0.add(acc1));
    }

    // ------------------------------------------------------------------ softmax cross-entropy

    static double softmaxCrossEntropy(ComputePool pool, MemorySegment xs, MemorySegment ys, int batch, int classes,
                                      int spatial, float[] w, float ignore, float smoothing, float gradScale,
                                      MemorySegment gs, MemorySegment ls) {
        long pixels = (long) batch * spatial;
        long block = ScalarLosses.SCE_BLOCK;
        int items = Math.toIntExact((pixels + block - 1) / block);
        double wSumD = ScalarLosses.weightSum(w, classes);
        return BlockSums.sum(pool, items, item -> {
            long p0 = item * block;
            long p1 = Math.min(pixels, p0 + block);
            double sum = 0;
            for (long b = p0 / spatial; b * spatial < p1; b++) {
                long s0 = Math.max(p0 - b * spatial, 0);
                long s1 = Math.min(p1 - b * spatial, spatial);
                long s = s0;
                while (s1 - s >= L) {
                    long stop = s + Math.min(CHUNK, (s1 - s) / L * L);
                    float part = sceRun(xs, ys, classes, spatial, b, s, stop, w, (float) wSumD, ignore, smoothing,
                            gradScale, gs, ls);
                    if (Float.isNaN(part)) {
                        return Double.NaN;
                    }
                    sum += part;
                    s = stop;
                }
                if (s < s1) {
                    sum += ScalarLosses.sceRun(xs, ys, classes, spatial, b, s, s1, w, wSumD, ignore, smoothing,
                            gradScale, gs, ls);
                }
            }
            return sum;
        });
    }

    /**
     * Pixels {@code [s0, s1)} of image {@code b}, a whole number of vectors of consecutive pixels. Three sweeps
     * over the C class rows of the vector (they stay in cache): max, label gather and checks; exp, its sum and
     * the smoothing sum, parking exp(x - m) in the gradient; then the gradient from the parked values. Returns
     * the lane-summed loss, or NaN (before writing that vector) at a NaN logit or a bad label.
     */
    private static float sceRun(MemorySegment xs, MemorySegment ys, int classes, long spatial, long b, long s0,
                                long s1, float[] w, float wSum, float ignore, float smoothing, float gradScale,
                                MemorySegment gs, MemorySegment ls) {
        float keep = 1f - smoothing;
        float sm = smoothing / classes;
        float gKeep = gradScale * keep;
        float gSmooth = gradScale * sm;
        float coefConst = sm * wSum;
        long xBase = b * classes * spatial;
        long yBase = b * spatial;
        long rowBytes = spatial * 4;
        FloatVector acc = FloatVector.zero(S);
        FloatVector zero = FloatVector.zero(S);
        FloatVector ones = FloatVector.broadcast(S, 1f);
        for (long s = s0; s < s1; s += L) {
            FloatVector y = FloatVector.fromMemorySegment(S, ys, (yBase + s) * 4, Simd.ORDER);
            VectorMask<Float> ign = y.compare(VectorOperators.EQ, ignore);
            long first = (xBase + s) * 4;
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector xy = zero;
            FloatVector wy = w == null ? ones : zero;
            VectorMask<Float> hit = S.maskAll(false);
            long off = first;
            for (int c = 0; c < classes; c++, off += rowBytes) {
                FloatVector x = FloatVector.fromMemorySegment(S, xs, off, Simd.ORDER);
                m = m.max(x);
                VectorMask<Float> isC = y.compare(VectorOperators.EQ, (float) c);
                hit = hit.or(isC);
                xy = xy.blend(x, isC);
                if (w != null) {
                    wy = wy.blend(w[c], isC);
                }
            }
            // max propagates NaN, so one compare finds a NaN logit in any class row
            if (m.compare(VectorOperators.NE, m).or(hit.or(ign).not()).anyTrue()) {
                return Float.NaN;
            }
            VectorMask<Float> skip = hit.not().or(ign);
            FloatVector z = zero;
            FloatVector swd = zero;
            off = first;
            for (int c = 0; c < classes; c++, off += rowBytes) {
                FloatVector d = FloatVector.fromMemorySegment(S, xs, off, Simd.ORDER).sub(m);
                FloatVector e = VectorMath.exp(d);
                z = z.add(e);
                if (smoothing != 0f) {
                    swd = w == null ? swd.sub(d) : swd.sub(d.mul(w[c]));
                }
                if (gs != null) {
                    e.intoMemorySegment(gs, off, Simd.ORDER);
                }
            }
            FloatVector logZ = VectorMath.log(z);
            FloatVector l = m.sub(xy).add(logZ).mul(wy.mul(keep));
            if (smoothing != 0f) {
                l = l.add(logZ.mul(wSum).add(swd).mul(sm));
            }
            l = l.blend(0f, skip);
            acc = acc.add(l);
            if (ls != null) {
                l.intoMemorySegment(ls, (yBase + s) * 4, Simd.ORDER);
            }
            if (gs != null) {
                // grad_c = e_c * a((1-eps) w_y + eps/C W) / Z - a(1-eps) w_y [c = y] - a eps/C w_c
                FloatVector coef = wy.mul(keep).add(coefConst).mul(gradScale).div(z);
                FloatVector hitTerm = wy.mul(gKeep);
                off = first;
                for (int c = 0; c < classes; c++, off += rowBytes) {
                    FloatVector g = FloatVector.fromMemorySegment(S, gs, off, Simd.ORDER).mul(coef);
                    g = g.sub(hitTerm, y.compare(VectorOperators.EQ, (float) c));
                    if (smoothing != 0f) {
                        g = g.sub(gSmooth * (w == null ? 1f : w[c]));
                    }
                    g.blend(0f, skip).intoMemorySegment(gs, off, Simd.ORDER);
                }
            }
        }
        return Simd.sum(acc);
    }

    // ------------------------------------------------------------------ label weight sum

    static double softmaxLabelWeightSum(ComputePool pool, MemorySegment ys, long n, int classes, float[] w,
                                        float ignore) {
        long block = ScalarLosses.LABEL_BLOCK;
        int items = Math.toIntExact((n + block - 1) / block);
        return BlockSums.sum(pool, items, item -> {
            long from = item * block;
            long to = Math.min(n, from + block);
            double sum = 0;
            long i = from;
            while (to - i >= L) {
                long stop = i + Math.min(LABEL_CHUNK, (to - i) / L * L);
                float part = labelWeightRun(ys, i, stop, classes, w, ignore);
                if (Float.isNaN(part)) {
                    return Double.NaN;
                }
                sum += part;
                i = stop;
            }
            if (i < to) {
                sum += ScalarLosses.labelWeightRun(ys, i, to, classes, w, ignore);
            }
            return sum;
        });
    }

    /** Labels [from, to), a whole number of vectors; NaN at a label that is neither ignored nor a class. */
    private static float labelWeightRun(MemorySegment ys, long from, long to, int classes, float[] w,
                                        float ignore) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector zero = FloatVector.zero(S);
        for (long i = from; i < to; i += L) {
            FloatVector y = FloatVector.fromMemorySegment(S, ys, i * 4, Simd.ORDER);
            VectorMask<Float> ign = y.compare(VectorOperators.EQ, ignore);
            VectorMask<Float> hit = S.maskAll(false);
            FloatVector wy = zero;
            for (int c = 0; c < classes; c++) {
                VectorMask<Float> isC = y.compare(VectorOperators.EQ, (float) c);
                hit = hit.or(isC);
                wy = wy.blend(w == null ? 1f : w[c], isC);
            }
            if (hit.or(ign).not().anyTrue()) {
                return Float.NaN;
            }
            acc = acc.add(wy.blend(0f, ign));
        }
        return Simd.sum(acc);
    }
}
