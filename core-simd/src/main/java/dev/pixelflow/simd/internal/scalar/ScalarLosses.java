package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.internal.BlockSums;
import dev.pixelflow.simd.internal.ComputePool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar reference loss kernels, computed in double. The work is cut into the same fixed items as the vector
 * kernels ({@link #BCE_BLOCK} elements of one plane, {@link #SCE_BLOCK} pixels), so the thread count never
 * changes a result.
 */
public final class ScalarLosses {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * Elements of one (batch, channel) plane per parallel item of the binary cross-entropy: small enough that one
     * 3-channel 128x128 image (the facade calls the kernel per image) still splits evenly over two threads.
     */
    public static final long BCE_BLOCK = 4_096;
    /** Pixels (flat {@code b*S + s}) per parallel item of the softmax cross-entropy. */
    public static final long SCE_BLOCK = 8_192;
    /** Labels per parallel item of the label weight sum. */
    public static final long LABEL_BLOCK = 65_536;

    private ScalarLosses() {
    }

    /** True when a logit, target and weight are valid inputs for the binary cross-entropy. */
    public static boolean bceValid(float x, float y, float w) {
        return Float.isFinite(x) && y >= 0f && y <= 1f && w >= 0f && w < Float.POSITIVE_INFINITY;
    }

    /** See {@code Kernels.bceWithLogits}, on the calling thread. */
    public static double bceWithLogits(MemorySegment xs, MemorySegment ys, MemorySegment ws, MemorySegment pws,
                                       int batch, int channels, long inner, float gradScale, MemorySegment gs,
                                       MemorySegment ls) {
        return bceWithLogits(null, xs, ys, ws, pws, batch, channels, inner, gradScale, gs, ls);
    }

    /** See {@code Kernels.bceWithLogits}: one item per {@link #BCE_BLOCK} elements of a plane. */
    public static double bceWithLogits(ComputePool pool, MemorySegment xs, MemorySegment ys, MemorySegment ws,
                                       MemorySegment pws, int batch, int channels, long inner, float gradScale,
                                       MemorySegment gs, MemorySegment ls) {
        if (inner == 0) {
            return 0;
        }
        long perPlane = (inner + BCE_BLOCK - 1) / BCE_BLOCK;
        int items = Math.toIntExact((long) batch * channels * perPlane);
        return BlockSums.sum(pool, items, item -> {
            long plane = item / perPlane;
            long blk = item % perPlane;
            int c = (int) (plane % channels);
            double p = pws == null ? 1.0 : pws.getAtIndex(F, c);
            long from = plane * inner + blk * BCE_BLOCK;
            long to = Math.min(plane * inner + inner, from + BCE_BLOCK);
            return bceRun(xs, ys, ws, p, from, to, gradScale, gs, ls);
        });
    }

    /** Elements [from, to) of one channel with positive weight p; NaN at the first invalid element. */
    public static double bceRun(MemorySegment xs, MemorySegment ys, MemorySegment ws, double p, long from, long to,
                                float gradScale, MemorySegment gs, MemorySegment ls) {
        double sum = 0;
        for (long i = from; i < to; i++) {
            float xf = xs.getAtIndex(F, i);
            float yf = ys.getAtIndex(F, i);
            float wf = ws == null ? 1f : ws.getAtIndex(F, i);
            if (!bceValid(xf, yf, wf)) {
                return Double.NaN;
            }
            double x = xf;
            double y = yf;
            double w = wf;
            double e = Math.exp(-Math.abs(x));
            double softplusNeg = Math.log1p(e) + Math.max(-x, 0.0);
            double l = w * ((1 - y) * x + (1 + (p - 1) * y) * softplusNeg);
            sum += l;
            if (ls != null) {
                ls.setAtIndex(F, i, (float) l);
            }
            if (gs != null) {
                double sig = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                double py = p * y;
                gs.setAtIndex(F, i, (float) (gradScale * w * ((py + 1 - y) * sig - py)));
            }
        }
        return sum;
    }

    /** See {@code Kernels.softmaxCrossEntropy}: one item per {@link #SCE_BLOCK} flat pixels. */
    public static double softmaxCrossEntropy(ComputePool pool, MemorySegment xs, MemorySegment ys, int batch,
                                             int classes, int spatial, float[] w, float ignore, float smoothing,
                                             float gradScale, MemorySegment gs, MemorySegment ls) {
        long pixels = (long) batch * spatial;
        int items = Math.toIntExact((pixels + SCE_BLOCK - 1) / SCE_BLOCK);
        double wSum = weightSum(w, classes);
        return BlockSums.sum(pool, items, item -> {
            long p0 = item * SCE_BLOCK;
            long p1 = Math.min(pixels, p0 + SCE_BLOCK);
            double sum = 0;
            for (long b = p0 / spatial; b * spatial < p1; b++) {
                long s0 = Math.max(p0 - b * spatial, 0);
                long s1 = Math.min(p1 - b * spatial, spatial);
                sum += sceRun(xs, ys, classes, spatial, b, s0, s1, w, wSum, ignore, smoothing, gradScale, gs, ls);
            }
            return sum;
        });
    }

    /** {@code sum_c w_c} in double (C when unweighted). */
    public static double weightSum(float[] w, int classes) {
        if (w == null) {
            return classes;
        }
        double s = 0;
        for (float v : w) {
            s += v;
        }
        return s;
    }

    /**
     * Pixels {@code [s0, s1)} of image {@code b}; NaN at the first invalid pixel (a NaN logit or a bad label),
     * before anything of that pixel is written.
     */
    public static double sceRun(MemorySegment xs, MemorySegment ys, int classes, long spatial, long b, long s0,
                                long s1, float[] w, double wSum, float ignore, float smoothing, float gradScale,
                                MemorySegment gs, MemorySegment ls) {
        double keep = 1.0 - smoothing;
        double sm = (double) smoothing / classes;
        long xBase = b * classes * spatial;
        long yBase = b * spatial;
        double sum = 0;
        for (long s = s0; s < s1; s++) {
            float yf = ys.getAtIndex(F, yBase + s);
            boolean ignored = yf == ignore;
            double m = Double.NEGATIVE_INFINITY;
            int label = -1;
            for (int c = 0; c < classes; c++) {
                float x = xs.getAtIndex(F, xBase + c * spatial + s);
                if (Float.isNaN(x)) {
                    return Double.NaN;
                }
                m = Math.max(m, x);
                if (yf == c) {
                    label = c;
                }
            }
            if (label < 0 && !ignored) {
                return Double.NaN;
            }
            if (ignored) {
                if (gs != null) {
                    for (int c = 0; c < classes; c++) {
                        gs.setAtIndex(F, xBase + c * spatial + s, 0f);
                    }
                }
                if (ls != null) {
                    ls.setAtIndex(F, yBase + s, 0f);
                }
                continue;
            }
            double z = 0;
            double swd = 0;
            for (int c = 0; c < classes; c++) {
                double d = xs.getAtIndex(F, xBase + c * spatial + s) - m;
                z += Math.exp(d);
                swd -= (w == null ? 1.0 : w[c]) * d;
            }
            double logZ = Math.log(z);
            double wy = w == null ? 1.0 : w[label];
            double xy = xs.getAtIndex(F, xBase + label * spatial + s);
            double l = keep * wy * (m - xy + logZ);
            if (smoothing != 0) {
                l += sm * (wSum * logZ + swd);
            }
            sum += l;
            if (ls != null) {
                ls.setAtIndex(F, yBase + s, (float) l);
            }
            if (gs != null) {
                for (int c = 0; c < classes; c++) {
                    long i = xBase + c * spatial + s;
                    double p = Math.exp(xs.getAtIndex(F, i) - m) / z;
                    double wc = w == null ? 1.0 : w[c];
                    double g = keep * wy * (p - (c == label ? 1 : 0)) + sm * (p * wSum - wc);
                    gs.setAtIndex(F, i, (float) (gradScale * g));
                }
            }
        }
        return sum;
    }

    /** See {@code Kernels.softmaxLabelWeightSum}: one item per {@link #LABEL_BLOCK} labels. */
    public static double softmaxLabelWeightSum(ComputePool pool, MemorySegment ys, long n, int classes, float[] w,
                                               float ignore) {
        int items = Math.toIntExact((n + LABEL_BLOCK - 1) / LABEL_BLOCK);
        return BlockSums.sum(pool, items, item -> {
            long from = item * LABEL_BLOCK;
            return labelWeightRun(ys, from, Math.min(n, from + LABEL_BLOCK), classes, w, ignore);
        });
    }

    /** Labels [from, to); NaN at the first label that is neither ignored nor a class in [0, classes). */
    public static double labelWeightRun(MemorySegment ys, long from, long to, int classes, float[] w,
                                        float ignore) {
        double sum = 0;
        for (long i = from; i < to; i++) {
            float y = ys.getAtIndex(F, i);
            if (y == ignore) {
                continue;
            }
            if (!(y >= 0 && y < classes && y == Math.rint(y))) {
                return Double.NaN;
            }
            sum += w == null ? 1.0 : w[(int) y];
        }
        return sum;
    }
}
