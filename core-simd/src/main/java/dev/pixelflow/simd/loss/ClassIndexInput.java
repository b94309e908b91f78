package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Validated logits and integer class labels for the softmax losses. Logits are NCHW {@code [B,C,H,W]} (or
 * {@code [N,C]}, read as {@code B = N, H = W = 1}); labels are integral floats {@code [B,H,W]} or
 * {@code [B,1,H,W]} (or {@code [N]}). Element {@code (b,c,s)} of the logits, {@code s = h*W + w}, is at flat
 * index {@code (b*C + c)*S + s} with {@code S = H*W}; label {@code (b,s)} at {@code b*S + s}.
 *
 * @param batch B
 * @param classes C
 * @param spatial S = H*W
 * @param labels decoded labels, {@code b*S + s}; {@link #IGNORED} where the label is the ignore value
 * @param counted number of labels that are not ignored
 * @param mapShape shape of a per-pixel loss map: {@code [B,H,W]} (or {@code [N]})
 */
record ClassIndexInput(int batch, int classes, int spatial, int[] labels, long counted, int[] mapShape) {

    static final int IGNORED = -1;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Checks shapes, that no logit is NaN, and that every label is an integer in {@code [0, C)} or equal to
     * {@code ignore} (when {@code hasIgnore}).
     */
    static ClassIndexInput of(Tensor logits, Tensor labels, boolean hasIgnore, int ignore, String ignoreName) {
        Dims d = dims(logits, labels);
        checkNoNaN(logits);
        return decode(d, labels, hasIgnore, ignore, ignoreName);
    }

    /** Shapes of validated logits and labels, without reading their data. */
    record Dims(int batch, int classes, int spatial, int[] mapShape) {
    }

    /** Checks the shapes of logits and labels only (no data is read). */
    static Dims dims(Tensor logits, Tensor labels) {
        int[] ls = logits.shape();
        int[] ts = labels.shape();
        int b;
        int c;
        int s;
        int[] map;
        if (ls.length == 2) {
            b = ls[0];
            c = ls[1];
            s = 1;
            map = new int[] {b};
            if (!Arrays.equals(ts, map)) {
                throw new IllegalArgumentException("labels " + labels.shapeString() + " do not match logits "
                        + logits.shapeString() + ": expected [" + b + "]");
            }
        } else if (ls.length == 4) {
            b = ls[0];
            c = ls[1];
            s = ls[2] * ls[3];
            map = new int[] {b, ls[2], ls[3]};
            boolean ok = Arrays.equals(ts, map) || Arrays.equals(ts, new int[] {b, 1, ls[2], ls[3]});
            if (!ok) {
                throw new IllegalArgumentException("labels " + labels.shapeString() + " do not match logits "
                        + logits.shapeString() + ": expected [" + b + ", " + ls[2] + ", " + ls[3] + "] or ["
                        + b + ", 1, " + ls[2] + ", " + ls[3] + "]");
            }
        } else {
            throw new IllegalArgumentException("logits must be [B,C,H,W] or [N,C], got " + logits.shapeString());
        }
        if (c < 1) {
            throw new IllegalArgumentException("logits " + logits.shapeString() + " have no classes");
        }
        return new Dims(b, c, s, map);
    }

    /** Throws naming the first NaN logit and its position. */
    static void checkNoNaN(Tensor logits) {
        int[] ls = logits.shape();
        MemorySegment x = logits.segment();
        long n = logits.size();
        for (long i = 0; i < n; i++) {
            if (Float.isNaN(x.getAtIndex(F32, i))) {
                throw new IllegalArgumentException("logit at " + position(ls, i) + " of " + logits.shapeString()
                        + " is NaN");
            }
        }
    }

    /** Decodes the labels, throwing at the first one that is neither a class in [0, C) nor ignored. */
    static ClassIndexInput decode(Dims d, Tensor labels, boolean hasIgnore, int ignore, String ignoreName) {
        int[] ts = labels.shape();
        int b = d.batch();
        int c = d.classes();
        int s = d.spatial();
        int[] map = d.mapShape();
        MemorySegment y = labels.segment();
        int total = b * s;
        int[] decoded = new int[total];
        long counted = 0;
        for (int i = 0; i < total; i++) {
            float v = y.getAtIndex(F32, i);
            if (hasIgnore && v == ignore) {
                decoded[i] = IGNORED;
                continue;
            }
            if (!(v >= 0 && v < c && v == Math.rint(v))) {
                throw new IllegalArgumentException("label " + v + " at " + position(ts, i) + " of "
                        + labels.shapeString() + " is not a class in [0, " + c + ")"
                        + (hasIgnore ? " nor " + ignoreName + " " + ignore : ""));
            }
            decoded[i] = (int) v;
            counted++;
        }
        return new ClassIndexInput(b, c, s, decoded, counted, map);
    }

    /** Multi-index of flat element {@code i} in {@code shape}, as {@code [i0, i1, ...]}. */
    static String position(int[] shape, long i) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /**
     * Writes the log-softmax of pixel {@code (b,s)} into {@code out[0..C)}, max-subtracted:
     * {@code log p_c = x_c - m - log(sum_k exp(x_k - m))}, {@code m = max_k x_k}, in double.
     */
    void logSoftmax(MemorySegment x, int b, int s, double[] out) {
        long base = (long) b * classes * spatial + s;
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            double v = x.getAtIndex(F32, base + (long) c * spatial);
            out[c] = v;
            m = Math.max(m, v);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(out[c] - m);
        }
        double lse = m + Math.log(sum);
        for (int c = 0; c < classes; c++) {
            out[c] -= lse;
        }
    }

    /** Flat logits index of {@code (b,c,s)}. */
    long index(int b, int c, int s) {
        return ((long) b * classes + c) * spatial + s;
    }
}
