package dev.pixelflow.simd.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Lane permutations for stride-2 data (2x pooling, 2x resizing): splitting {@code 2 * LANES} consecutive
 * floats into their even and odd elements, and the reverse. Built once for the preferred species; kept in
 * static finals so that C2 treats them as constants.
 */
final class Shuffles {
    private static final int L = Simd.LANES;

    /** Over (a, b) as one 2L-float row: the elements at even positions. */
    static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(Simd.SPECIES, i -> 2 * i);
    /** Over (a, b) as one 2L-float row: the elements at odd positions. */
    static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(Simd.SPECIES, i -> 2 * i + 1);
    /** The first L floats of the interleaving e0 o0 e1 o1 ... of (e, o). */
    static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(Simd.SPECIES, i -> (i & 1) * L + (i >> 1));
    /** The last L floats of the interleaving of (e, o). */
    static final VectorShuffle<Float> ZIP_HI =
            VectorShuffle.fromOp(Simd.SPECIES, i -> (i & 1) * L + (i >> 1) + L / 2);
    /** a0 a0 a1 a1 ... (the first half of a, each lane twice). */
    static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(Simd.SPECIES, i -> i >> 1);
    /** The second half of a, each lane twice. */
    static final VectorShuffle<Float> DUP_HI = VectorShuffle.fromOp(Simd.SPECIES, i -> L / 2 + (i >> 1));

    private Shuffles() {
    }

    static FloatVector evens(FloatVector a, FloatVector b) {
        return a.rearrange(EVEN, b);
    }

    static FloatVector odds(FloatVector a, FloatVector b) {
        return a.rearrange(ODD, b);
    }

    static FloatVector zipLo(FloatVector e, FloatVector o) {
        return e.rearrange(ZIP_LO, o);
    }

    static FloatVector zipHi(FloatVector e, FloatVector o) {
        return e.rearrange(ZIP_HI, o);
    }
}
