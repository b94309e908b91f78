package dev.pixelflow.simd.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * Lane permutations for stride-2 data (2x pooling, 2x resizing): splitting {@code 2 * LANES} consecutive
 * floats into their even and odd elements, and the reverse. Each is two one-vector permutes and a blend with
 * a constant mask. The two-vector {@code rearrange(shuffle, v)} would do the same but adds a validity mask
 * computation per call, enough extra IR that C2 stopped inlining (and started boxing vectors) in kernels
 * using several of them.
 */
final class Shuffles {
    private static final int L = Simd.LANES;

    /** Lane i takes lane 2i mod L: the even elements of a vector land in the low half, then again. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(Simd.SPECIES, i -> (2 * i) & (L - 1));
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(Simd.SPECIES, i -> (2 * i + 1) & (L - 1));
    /** a0 a0 a1 a1 ... (the first half of a, each lane twice). */
    static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(Simd.SPECIES, i -> i >> 1);
    /** The second half of a, each lane twice. */
    static final VectorShuffle<Float> DUP_HI = VectorShuffle.fromOp(Simd.SPECIES, i -> L / 2 + (i >> 1));
    private static final VectorMask<Float> HIGH_HALF = mask(true);
    private static final VectorMask<Float> ODD_LANES = mask(false);

    private Shuffles() {
    }

    private static VectorMask<Float> mask(boolean highHalf) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = highHalf ? i >= L / 2 : (i & 1) == 1;
        }
        return VectorMask.fromArray(Simd.SPECIES, bits, 0);
    }

    /** The elements at even positions of the 2L-float run (a, b). */
    static FloatVector evens(FloatVector a, FloatVector b) {
        return a.rearrange(EVEN).blend(b.rearrange(EVEN), HIGH_HALF);
    }

    /** The elements at odd positions of the 2L-float run (a, b). */
    static FloatVector odds(FloatVector a, FloatVector b) {
        return a.rearrange(ODD).blend(b.rearrange(ODD), HIGH_HALF);
    }

    /** The first L floats of the interleaving e0 o0 e1 o1 ... of (e, o). */
    static FloatVector zipLo(FloatVector e, FloatVector o) {
        return e.rearrange(DUP_LO).blend(o.rearrange(DUP_LO), ODD_LANES);
    }

    /** The last L floats of the interleaving of (e, o). */
    static FloatVector zipHi(FloatVector e, FloatVector o) {
        return e.rearrange(DUP_HI).blend(o.rearrange(DUP_HI), ODD_LANES);
    }
}
