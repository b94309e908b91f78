package dev.pixelflow.simd.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register tiles for 1 to 3 output channels, where {@link ConvTile}'s 4 channel rows would be partly empty
 * (RGB or grey outputs, the input gradient of a first layer, depthwise groups): 1 channel x 8 vectors or
 * 3 channels x 3 vectors of consecutive output pixels of one row (8 or 9 accumulators). Taps and weights are
 * laid out as for {@link ConvTile} ({@code src[b + tab[tOff + i]]}, channel r's weight at {@code wp[wOff + 4*i + r]}).
 * Full runs are stored straight into y; a short run at a row end goes through {@code tile}.
 */
final class ConvRowTile {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int R = ConvTile.ROWS;

    /** Vectors per run of {@link #one}. */
    static final int ONE_VECTORS = 8;
    /** Vectors per run of {@link #three}. */
    static final int THREE_VECTORS = 3;

    private ConvRowTile() {
    }

    /** Channel {@code r} of the weight block over the {@code n <= 8*LANES} pixels at {@code b}, into {@code y0}. */
    static void one(float[] src, int b, int[] tab, int tOff, int k, float[] wp, int wOff, float bias,
                    MemorySegment y, long y0, int n, float[] tile) {
        FloatVector a0 = FloatVector.broadcast(S, bias);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        for (int i = 0; i < k; i++) {
            int t = b + tab[tOff + i];
            FloatVector w = FloatVector.broadcast(S, wp[wOff + R * i]);
            a0 = w.fma(FloatVector.fromArray(S, src, t), a0);
            a1 = w.fma(FloatVector.fromArray(S, src, t + L), a1);
            a2 = w.fma(FloatVector.fromArray(S, src, t + 2 * L), a2);
            a3 = w.fma(FloatVector.fromArray(S, src, t + 3 * L), a3);
            a4 = w.fma(FloatVector.fromArray(S, src, t + 4 * L), a4);
            a5 = w.fma(FloatVector.fromArray(S, src, t + 5 * L), a5);
            a6 = w.fma(FloatVector.fromArray(S, src, t + 6 * L), a6);
            a7 = w.fma(FloatVector.fromArray(S, src, t + 7 * L), a7);
        }
        if (n == ONE_VECTORS * L) {
            long at = y0 * Float.BYTES;
            a0.intoMemorySegment(y, at, O);
            a1.intoMemorySegment(y, at + L * Float.BYTES, O);
            a2.intoMemorySegment(y, at + 2L * L * Float.BYTES, O);
            a3.intoMemorySegment(y, at + 3L * L * Float.BYTES, O);
            a4.intoMemorySegment(y, at + 4L * L * Float.BYTES, O);
            a5.intoMemorySegment(y, at + 5L * L * Float.BYTES, O);
            a6.intoMemorySegment(y, at + 6L * L * Float.BYTES, O);
            a7.intoMemorySegment(y, at + 7L * L * Float.BYTES, O);
            return;
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
        MemorySegment.copy(tile, 0, y, F, y0 * Float.BYTES, n);
    }

    /**
     * Channels 0..2 of the weight block over the {@code n <= 3*LANES} pixels at {@code b}; channel r goes to
     * {@code y0 + r*plane}, with bias {@code wp[biasOff + r]}.
     */
    static void three(float[] src, int b, int[] tab, int tOff, int k, float[] wp, int wOff, int biasOff,
                      MemorySegment y, long y0, long plane, int n, float[] tile) {
        FloatVector a0 = FloatVector.broadcast(S, wp[biasOff]);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector b0 = FloatVector.broadcast(S, wp[biasOff + 1]);
        FloatVector b1 = b0;
        FloatVector b2 = b0;
        FloatVector c0 = FloatVector.broadcast(S, wp[biasOff + 2]);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        for (int i = 0; i < k; i++) {
            int t = b + tab[tOff + i];
            FloatVector x0 = FloatVector.fromArray(S, src, t);
            FloatVector x1 = FloatVector.fromArray(S, src, t + L);
            FloatVector x2 = FloatVector.fromArray(S, src, t + 2 * L);
            int wi = wOff + R * i;
            FloatVector w = FloatVector.broadcast(S, wp[wi]);
            a0 = w.fma(x0, a0);
            a1 = w.fma(x1, a1);
            a2 = w.fma(x2, a2);
            w = FloatVector.broadcast(S, wp[wi + 1]);
            b0 = w.fma(x0, b0);
            b1 = w.fma(x1, b1);
            b2 = w.fma(x2, b2);
            w = FloatVector.broadcast(S, wp[wi + 2]);
            c0 = w.fma(x0, c0);
            c1 = w.fma(x1, c1);
            c2 = w.fma(x2, c2);
        }
        if (n == THREE_VECTORS * L) {
            long at = y0 * Float.BYTES;
            long p = plane * Float.BYTES;
            a0.intoMemorySegment(y, at, O);
            a1.intoMemorySegment(y, at + L * Float.BYTES, O);
            a2.intoMemorySegment(y, at + 2L * L * Float.BYTES, O);
            b0.intoMemorySegment(y, at + p, O);
            b1.intoMemorySegment(y, at + p + L * Float.BYTES, O);
            b2.intoMemorySegment(y, at + p + 2L * L * Float.BYTES, O);
            c0.intoMemorySegment(y, at + 2 * p, O);
            c1.intoMemorySegment(y, at + 2 * p + L * Float.BYTES, O);
            c2.intoMemorySegment(y, at + 2 * p + 2L * L * Float.BYTES, O);
            return;
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        b0.intoArray(tile, 3 * L);
        b1.intoArray(tile, 4 * L);
        b2.intoArray(tile, 5 * L);
        c0.intoArray(tile, 6 * L);
        c1.intoArray(tile, 7 * L);
        c2.intoArray(tile, 8 * L);
        for (int r = 0; r < 3; r++) {
            MemorySegment.copy(tile, r * THREE_VECTORS * L, y, F, (y0 + r * plane) * Float.BYTES, n);
        }
    }
}
