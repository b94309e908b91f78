package dev.pixelflow.simd.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of the weight gradient: 4 output channels x 2 taps, each a dot product over output pixels
 * with the pixels in the lanes (8 accumulators + 4 dy vectors + 2 input vectors). Both factors are heap copies
 * laid out on the same flat pixel grid ({@code oy * wq + ox}, see {@link ConvBackwardWeight}), so the loop is
 * one linear run with no row ends: the dy copy is zero in the grid's padding columns.
 */
final class ConvWeightTile {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;

    /** Floats of one tile of accumulators. */
    static final int TILE = 8 * L;

    private ConvWeightTile() {
    }

    /**
     * {@code tile[(2*r + t)*LANES + lane]} = lane sums of {@code dy[d_r + p] * src[s_t + p]} for p in
     * {@code [p0, p1)}, a multiple of LANES long.
     */
    static void dot(float[] src, int sa, int sb, float[] dy, int d0, int d1, int d2, int d3, int p0, int p1,
                    float[] tile) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector e0 = a0;
        FloatVector e1 = a0;
        for (int p = p0; p < p1; p += L) {
            FloatVector pa = FloatVector.fromArray(S, src, sa + p);
            FloatVector pb = FloatVector.fromArray(S, src, sb + p);
            FloatVector y = FloatVector.fromArray(S, dy, d0 + p);
            a0 = y.fma(pa, a0);
            a1 = y.fma(pb, a1);
            y = FloatVector.fromArray(S, dy, d1 + p);
            b0 = y.fma(pa, b0);
            b1 = y.fma(pb, b1);
            y = FloatVector.fromArray(S, dy, d2 + p);
            c0 = y.fma(pa, c0);
            c1 = y.fma(pb, c1);
            y = FloatVector.fromArray(S, dy, d3 + p);
            e0 = y.fma(pa, e0);
            e1 = y.fma(pb, e1);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        b0.intoArray(tile, 2 * L);
        b1.intoArray(tile, 3 * L);
        c0.intoArray(tile, 4 * L);
        c1.intoArray(tile, 5 * L);
        e0.intoArray(tile, 6 * L);
        e1.intoArray(tile, 7 * L);
    }

    /** Adds the lane sums of the tile to {@code out[o + r*k + t]} for rows {@code r < rows}, taps {@code t < taps}. */
    static void flush(float[] tile, float[] out, int o, int k, int rows, int taps) {
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < taps; t++) {
                int a = (2 * r + t) * L;
                float sum = 0f;
                for (int l = 0; l < L; l++) {
                    sum += tile[a + l];
                }
                out[o + r * k + t] += sum;
            }
        }
    }
}
