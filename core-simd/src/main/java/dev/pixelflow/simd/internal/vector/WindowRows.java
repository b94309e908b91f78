package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max and average pooling forward over one plane, LANES output columns at a time. With horizontal stride 1
 * the window column kx of LANES consecutive outputs is one contiguous vector. With stride 2 (dilation 1) it
 * is every other element of a 2*LANES run: the run starting at window column 2t holds columns 2t (even
 * elements) and 2t+1 (odd elements), so the runs are reduced over the window rows first and split once.
 * Columns whose windows touch the padding, or whose loads would leave the row, take the scalar path.
 */
final class WindowRows {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private WindowRows() {
    }

    static boolean vectorizable(PoolGeometry g) {
        return g.strideW() == 1 || (g.strideW() == 2 && g.dilW() == 1);
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    /** y = max (or average) pooling of one plane of x; {@code max} picks the op. */
    static void plane(PoolGeometry g, MemorySegment x, long xBase, MemorySegment y, long yBase, boolean max) {
        int w = g.w();
        int sw = g.strideW();
        int pw = g.padW();
        int ow = g.ow();
        // Offset, from a block's first window column, of the last element its loads touch.
        int reach = sw == 1 ? (g.kw() - 1) * g.dilW() + L - 1 : 2 * ((g.kw() + 1) / 2 - 1) + 2 * L - 1;
        int oxLo = Math.min(ow, (pw + sw - 1) / sw); // first column whose window starts inside the image
        int lastBlock = Math.floorDiv(w - 1 - reach + pw, sw); // last block start whose loads stay in the row
        for (int oy = 0; oy < g.oh(); oy++) {
            int iy0 = oy * g.strideH() - g.padH();
            int kyLo = iy0 < 0 ? (-iy0 + g.dilH() - 1) / g.dilH() : 0;
            int kyHi = Math.min(g.kh(), Math.floorDiv(g.h() - 1 - iy0, g.dilH()) + 1);
            long yRow = yBase + (long) oy * ow;
            int ox = 0;
            for (; ox < oxLo; ox++) {
                y.setAtIndex(F, yRow + ox, window(g, x, xBase, oy, ox, max));
            }
            if (ox + L <= ow && ox <= lastBlock) {
                float divisor = max ? 1f : ScalarPooling.avgDivisor(g, oy, ox);
                for (; ox + L <= ow && ox <= lastBlock; ox += L) {
                    long col = ox * sw - pw;
                    FloatVector v = sw == 1
                            ? block1(g, x, xBase, iy0, kyLo, kyHi, col, max)
                            : block2(g, x, xBase, iy0, kyLo, kyHi, col, max);
                    if (!max) {
                        v = v.div(divisor);
                    }
                    v.intoMemorySegment(y, (yRow + ox) * Float.BYTES, O);
                }
            }
            for (; ox < ow; ox++) {
                y.setAtIndex(F, yRow + ox, window(g, x, xBase, oy, ox, max));
            }
        }
    }

    private static FloatVector block1(PoolGeometry g, MemorySegment x, long xBase, int iy0, int kyLo, int kyHi,
                                      long col, boolean max) {
        FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int ky = kyLo; ky < kyHi; ky++) {
            long row = xBase + (long) (iy0 + ky * g.dilH()) * g.w() + col;
            for (int kx = 0; kx < g.kw(); kx++) {
                FloatVector v = load(x, row + (long) kx * g.dilW());
                acc = max ? acc.max(v) : acc.add(v);
            }
        }
        return acc;
    }

    private static FloatVector block2(PoolGeometry g, MemorySegment x, long xBase, int iy0, int kyLo, int kyHi,
                                      long col, boolean max) {
        FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int kx = 0; kx < g.kw(); kx += 2) {
            FloatVector lo = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
            FloatVector hi = lo;
            for (int ky = kyLo; ky < kyHi; ky++) {
                long at = xBase + (long) (iy0 + ky * g.dilH()) * g.w() + col + kx;
                FloatVector a = load(x, at);
                FloatVector b = load(x, at + L);
                lo = max ? lo.max(a) : lo.add(a);
                hi = max ? hi.max(b) : hi.add(b);
            }
            FloatVector even = Shuffles.evens(lo, hi);
            acc = max ? acc.max(even) : acc.add(even);
            if (kx + 1 < g.kw()) {
                FloatVector odd = Shuffles.odds(lo, hi);
                acc = max ? acc.max(odd) : acc.add(odd);
            }
        }
        return acc;
    }

    /** One output by the definition, for border columns (padding counts as -inf for max, 0 for the sum). */
    private static float window(PoolGeometry g, MemorySegment x, long xBase, int oy, int ox, boolean max) {
        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = oy * g.strideH() - g.padH() + ky * g.dilH();
            if (iy < 0 || iy >= g.h()) {
                continue;
            }
            long row = xBase + (long) iy * g.w();
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = ox * g.strideW() - g.padW() + kx * g.dilW();
                if (ix < 0 || ix >= g.w()) {
                    continue;
                }
                float v = x.getAtIndex(F, row + ix);
                acc = max ? Math.max(acc, v) : acc + v;
            }
        }
        return max ? acc : acc / ScalarPooling.avgDivisor(g, oy, ox);
    }
}
