package dev.pixelflow.simd.metrics;

import java.util.Arrays;

/** Validation helpers shared by the label-map readers: shapes and label values, with positions in messages. */
final class LabelMaps {
    private LabelMaps() {
    }

    /** The multi-index of flat element {@code flat} of a row-major tensor of the given shape, as text. */
    static String position(int[] shape, long flat) {
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(idx) + " (flat " + flat + ")";
    }

    /**
     * The class index held by {@code v}, read from {@code what} at flat position {@code flat}.
     *
     * @throws IllegalArgumentException for NaN, non-integral or out-of-range values
     */
    static int classIndex(float v, int classes, String what, int[] shape, long flat) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException(what + " label is NaN at " + position(shape, flat));
        }
        int c = (int) v;
        if (c != v || c < 0 || c >= classes) {
            throw new IllegalArgumentException(what + " label " + v + " at " + position(shape, flat)
                    + " is not a class index in [0, " + classes + ")");
        }
        return c;
    }

    /**
     * True when {@code labels} fits a per-pixel map of {@code scores [B, C, H, W]}: {@code [B, 1, H, W]} or
     * {@code [B, H, W]}.
     */
    static boolean matchesPixels(int[] scores, int[] labels) {
        if (scores.length != 4) {
            return false;
        }
        int[] chw = {scores[0], scores[2], scores[3]};
        int[] c1 = {scores[0], 1, scores[2], scores[3]};
        return Arrays.equals(labels, chw) || Arrays.equals(labels, c1);
    }
}
