package dev.pixelflow.simd.internal.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Scalar reference loss kernels, computed in double. */
public final class ScalarLosses {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private ScalarLosses() {
    }

    /** True when a logit, target and weight are valid inputs for the binary cross-entropy. */
    public static boolean bceValid(float x, float y, float w) {
        return Float.isFinite(x) && y >= 0f && y <= 1f && w >= 0f && w < Float.POSITIVE_INFINITY;
    }

    /** See {@code Kernels.bceWithLogits}. */
    public static double bceWithLogits(MemorySegment xs, MemorySegment ys, MemorySegment ws, MemorySegment pws,
                                       int batch, int channels, long inner, float gradScale, MemorySegment gs,
                                       MemorySegment ls) {
        double total = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                double p = pws == null ? 1.0 : pws.getAtIndex(F, c);
                long base = ((long) b * channels + c) * inner;
                double sum = bceRun(xs, ys, ws, p, base, base + inner, gradScale, gs, ls);
                if (Double.isNaN(sum)) {
                    return Double.NaN;
                }
                total += sum;
            }
        }
        return total;
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
}
