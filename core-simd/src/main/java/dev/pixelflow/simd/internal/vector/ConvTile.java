package dev.pixelflow.simd.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of the direct convolution: 4 output channels x 2 segments of {@code LANES} output pixels
 * (8 accumulators, 2 input vectors and 1 broadcast weight: 11 of the 16 AVX2 registers, so C2 keeps them all
 * in registers).
 * Tap {@code i} of the reduction reads the input at {@code base + tab[tOff + i]} for both segments and the
 * 4 weights at {@code wp[wOff + 4*i ..]}; the two segments have independent bases, so a tile can pair the end
 * of one output row with the start of the next and narrow images waste few lanes.
 */
final class ConvTile {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Output channels per tile. */
    static final int ROWS = 4;

    private ConvTile() {
    }

    /**
     * Computes the tile and stores it into native {@code y}: segment {@code s} of channel row {@code r} goes to
     * floats {@code [ys + r*plane, ys + r*plane + ns)}. Only {@code rows} rows and {@code n0, n1} pixels are
     * stored; accumulators start at {@code bias[biasOff + r]}. {@code tile} (2*4*LANES floats) takes partial tiles.
     */
    static void toSegment(float[] src, int b0, int b1, int[] tab, int tOff, int k, float[] wp, int wOff,
                          float[] bias, int biasOff, MemorySegment y, long y0, long y1, long plane, int rows,
                          int n0, int n1, float[] tile) {
        FloatVector a0 = FloatVector.broadcast(S, bias[biasOff]);
        FloatVector b0v = FloatVector.broadcast(S, bias[biasOff + 1]);
        FloatVector c0 = FloatVector.broadcast(S, bias[biasOff + 2]);
        FloatVector d0 = FloatVector.broadcast(S, bias[biasOff + 3]);
        FloatVector a1 = a0;
        FloatVector b1v = b0v;
        FloatVector c1 = c0;
        FloatVector d1 = d0;
        for (int i = 0; i < k; i++) {
            int t = tab[tOff + i];
            FloatVector x0 = FloatVector.fromArray(S, src, b0 + t);
            FloatVector x1 = FloatVector.fromArray(S, src, b1 + t);
            int wi = wOff + ROWS * i;
            FloatVector w = FloatVector.broadcast(S, wp[wi]);
            a0 = w.fma(x0, a0);
            a1 = w.fma(x1, a1);
            w = FloatVector.broadcast(S, wp[wi + 1]);
            b0v = w.fma(x0, b0v);
            b1v = w.fma(x1, b1v);
            w = FloatVector.broadcast(S, wp[wi + 2]);
            c0 = w.fma(x0, c0);
            c1 = w.fma(x1, c1);
            w = FloatVector.broadcast(S, wp[wi + 3]);
            d0 = w.fma(x0, d0);
            d1 = w.fma(x1, d1);
        }
        if (rows == ROWS && n0 == L && n1 == L) {
            a0.intoMemorySegment(y, y0 * Float.BYTES, O);
            a1.intoMemorySegment(y, y1 * Float.BYTES, O);
            b0v.intoMemorySegment(y, (y0 + plane) * Float.BYTES, O);
            b1v.intoMemorySegment(y, (y1 + plane) * Float.BYTES, O);
            c0.intoMemorySegment(y, (y0 + 2 * plane) * Float.BYTES, O);
            c1.intoMemorySegment(y, (y1 + 2 * plane) * Float.BYTES, O);
            d0.intoMemorySegment(y, (y0 + 3 * plane) * Float.BYTES, O);
            d1.intoMemorySegment(y, (y1 + 3 * plane) * Float.BYTES, O);
            return;
        }
        // Partial tile (row ends, channel count not a multiple of 4): spill and store what is valid. Kept out
        // of line: C1 cannot allocate registers for this method once masked stores are added, and a method C1
        // gives up on may never reach C2.
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        b0v.intoArray(tile, 2 * L);
        b1v.intoArray(tile, 3 * L);
        c0.intoArray(tile, 4 * L);
        c1.intoArray(tile, 5 * L);
        d0.intoArray(tile, 6 * L);
        d1.intoArray(tile, 7 * L);
        storePartial(tile, y, y0, y1, plane, rows, n0, n1);
    }

    private static void storePartial(float[] tile, MemorySegment y, long y0, long y1, long plane, int rows, int n0,
                                     int n1) {
        for (int r = 0; r < rows; r++) {
            int t = 2 * L * r;
            long ch = r * plane;
            if (n0 == L) {
                FloatVector.fromArray(S, tile, t).intoMemorySegment(y, (y0 + ch) * Float.BYTES, O);
            } else {
                MemorySegment.copy(tile, t, y, F, (y0 + ch) * Float.BYTES, n0);
            }
            if (n1 == L) {
                FloatVector.fromArray(S, tile, t + L).intoMemorySegment(y, (y1 + ch) * Float.BYTES, O);
            } else {
                MemorySegment.copy(tile, t + L, y, F, (y1 + ch) * Float.BYTES, n1);
            }
        }
    }

    /**
     * The same tile (without bias), stored into {@code tile[r*2*LANES + s*LANES + lane]} for a caller that
     * scatters it (strided outputs).
     */
    static void toArray(float[] src, int b0, int b1, int[] tab, int tOff, int k, float[] wp, int wOff,
                        float[] tile) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0v = a0;
        FloatVector b1v = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        for (int i = 0; i < k; i++) {
            int t = tab[tOff + i];
            FloatVector x0 = FloatVector.fromArray(S, src, b0 + t);
            FloatVector x1 = FloatVector.fromArray(S, src, b1 + t);
            int wi = wOff + ROWS * i;
            FloatVector w = FloatVector.broadcast(S, wp[wi]);
            a0 = w.fma(x0, a0);
            a1 = w.fma(x1, a1);
            w = FloatVector.broadcast(S, wp[wi + 1]);
            b0v = w.fma(x0, b0v);
            b1v = w.fma(x1, b1v);
            w = FloatVector.broadcast(S, wp[wi + 2]);
            c0 = w.fma(x0, c0);
            c1 = w.fma(x1, c1);
            w = FloatVector.broadcast(S, wp[wi + 3]);
            d0 = w.fma(x0, d0);
            d1 = w.fma(x1, d1);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        b0v.intoArray(tile, 2 * L);
        b1v.intoArray(tile, 3 * L);
        c0.intoArray(tile, 4 * L);
        c1.intoArray(tile, 5 * L);
        d0.intoArray(tile, 6 * L);
        d1.intoArray(tile, 7 * L);
    }
}
