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
        int blocks = lastBlock < oxLo ? 0 : Math.min((ow - oxLo) / L, (lastBlock - oxLo) / L + 1);
        int oxHi = oxLo + blocks * L;
        for (int oy = 0; oy < g.oh(); oy++) {
            int iy0 = oy * g.strideH() - g.padH();
            int kyLo = iy0 < 0 ? (-iy0 + g.dilH() - 1) / g.dilH() : 0;
            int kyHi = Math.min(g.kh(), Math.floorDiv(g.h() - 1 - iy0, g.dilH()) + 1);
            long yRow = yBase + (long) oy * ow;
            for (int ox = 0; ox < oxLo; ox++) {
                y.setAtIndex(F, yRow + ox, window(g, x, xBase, oy, ox, max));
            }
            if (blocks > 0) {
                long rows = xBase + (long) iy0 * w - pw; // x index of window (0, 0) of output column 0
                if (max && sw == 1) {
                    maxRow1(g, x, rows, kyLo, kyHi, y, yRow, oxLo, oxHi);
                } else if (max) {
                    maxRow2(g, x, rows, kyLo, kyHi, y, yRow, oxLo, oxHi);
                } else if (sw == 1) {
                    avgRow1(g, x, rows, kyLo, kyHi, y, yRow, oxLo, oxHi, ScalarPooling.avgDivisor(g, oy, oxLo));
                } else {
                    avgRow2(g, x, rows, kyLo, kyHi, y, yRow, oxLo, oxHi, ScalarPooling.avgDivisor(g, oy, oxLo));
                }
            }
            for (int ox = oxHi; ox < ow; ox++) {
                y.setAtIndex(F, yRow + ox, window(g, x, xBase, oy, ox, max));
            }
        }
    }

    // The four row kernels below differ only in the op and the stride. They are kept apart (rather than one
    // method with flags) so that each stays small enough for C2 to inline every vector operation in it; a
    // vector op left as a call boxes its operands.

    private static void maxRow1(PoolGeometry g, MemorySegment x, long rows, int kyLo, int kyHi, MemorySegment y,
                                long yRow, int oxFrom, int oxTo) {
        long rowStep = (long) g.dilH() * g.w();
        int dw = g.dilW();
        int kw = g.kw();
        for (int ox = oxFrom; ox < oxTo; ox += L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int ky = kyLo; ky < kyHi; ky++) {
                long at = rows + ky * rowStep + ox;
                for (int kx = 0; kx < kw; kx++) {
                    acc = acc.max(load(x, at + (long) kx * dw));
                }
            }
            acc.intoMemorySegment(y, (yRow + ox) * Float.BYTES, O);
        }
    }

    private static void avgRow1(PoolGeometry g, MemorySegment x, long rows, int kyLo, int kyHi, MemorySegment y,
                                long yRow, int oxFrom, int oxTo, float divisor) {
        long rowStep = (long) g.dilH() * g.w();
        int kw = g.kw();
        for (int ox = oxFrom; ox < oxTo; ox += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int ky = kyLo; ky < kyHi; ky++) {
                long at = rows + ky * rowStep + ox;
                for (int kx = 0; kx < kw; kx++) {
                    acc = acc.add(load(x, at + kx));
                }
            }
            acc.div(divisor).intoMemorySegment(y, (yRow + ox) * Float.BYTES, O);
        }
    }

    private static void maxRow2(PoolGeometry g, MemorySegment x, long rows, int kyLo, int kyHi, MemorySegment y,
                                long yRow, int oxFrom, int oxTo) {
        long rowStep = (long) g.dilH() * g.w();
        int kw = g.kw();
        for (int ox = oxFrom; ox < oxTo; ox += L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int kx = 0; kx < kw; kx += 2) {
                FloatVector lo = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                FloatVector hi = lo;
                for (int ky = kyLo; ky < kyHi; ky++) {
                    long at = rows + ky * rowStep + 2L * ox + kx;
                    lo = lo.max(load(x, at));
                    hi = hi.max(load(x, at + L));
                }
                acc = acc.max(Shuffles.evens(lo, hi));
                if (kx + 1 < kw) {
                    acc = acc.max(Shuffles.odds(lo, hi));
                }
            }
            acc.intoMemorySegment(y, (yRow + ox) * Float.BYTES, O);
        }
    }

    private static void avgRow2(PoolGeometry g, MemorySegment x, long rows, int kyLo, int kyHi, MemorySegment y,
                                long yRow, int oxFrom, int oxTo, float divisor) {
        long rowStep = (long) g.dilH() * g.w();
        int kw = g.kw();
        for (int ox = oxFrom; ox < oxTo; ox += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int kx = 0; kx < kw; kx += 2) {
                FloatVector lo = FloatVector.zero(S);
                FloatVector hi = lo;
                for (int ky = kyLo; ky < kyHi; ky++) {
                    long at = rows + ky * rowStep + 2L * ox + kx;
                    lo = lo.add(load(x, at));
                    hi = hi.add(load(x, at + L));
                }
                acc = acc.add(Shuffles.evens(lo, hi));
                if (kx + 1 < kw) {
                    acc = acc.add(Shuffles.odds(lo, hi));
                }
            }
            acc.div(divisor).intoMemorySegment(y, (yRow + ox) * Float.BYTES, O);
        }
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
