package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bilinear resize (align_corners=false) of one plane, done separably. Forward: each input row that an output
 * row needs is interpolated horizontally once into a scratch row (output width), and each output row is the
 * vertical blend of two scratch rows. Because an output row needs input rows y0 and y0+1 only, and y0 never
 * decreases, two scratch rows suffice, indexed by row parity. The arithmetic is the reference's, in the same
 * order, so results are bit-identical to it. Backward runs the transpose: dy rows are blended into two
 * per-input-row accumulators (vector ops), each spread horizontally onto its dx row when it is complete.
 *
 * <p>For an exact 2x horizontal upsampling the weights are 1/4 and 3/4 at fixed neighbours, so the horizontal
 * step is vectorized with shifted loads and an even/odd interleave; other ratios use a scalar loop.
 */
final class Bilinear {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Bilinear() {
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    // ------------------------------------------------------------------ forward

    static void forwardPlane(UpsampleGeometry g, MemorySegment x, long xBase, MemorySegment y, long yBase) {
        int ow = g.ow();
        float[] rows = Scratch.floats(Scratch.POINTWISE, 2 * ow);
        int held0 = -1; // input row interpolated into rows[0, ow)
        int held1 = -1; // input row interpolated into rows[ow, 2 ow)
        for (int oy = 0; oy < g.oh(); oy++) {
            int y0 = ScalarPooling.lowerIndex(g.h(), g.oh(), oy);
            int y1 = Math.min(y0 + 1, g.h() - 1);
            float ly1 = ScalarPooling.upperWeight(g.h(), g.oh(), oy);
            float ly0 = 1f - ly1;
            for (int r = y0; r <= y1; r++) {
                if ((r & 1) == 0 ? held0 != r : held1 != r) {
                    horizontal(g, x, xBase + (long) r * g.w(), rows, (r & 1) * ow);
                    if ((r & 1) == 0) {
                        held0 = r;
                    } else {
                        held1 = r;
                    }
                }
            }
            blendRows(rows, (y0 & 1) * ow, ly0, (y1 & 1) * ow, ly1, y, yBase + (long) oy * ow, ow);
        }
    }

    /** out[i] = w0 * rows[a + i] + w1 * rows[b + i]. */
    private static void blendRows(float[] rows, int a, float w0, int b, float w1, MemorySegment out, long at,
                                  int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, rows, a + i).mul(w0)
                    .add(FloatVector.fromArray(S, rows, b + i).mul(w1));
            v.intoMemorySegment(out, (at + i) * Float.BYTES, O);
        }
        for (; i < n; i++) {
            out.setAtIndex(F, at + i, w0 * rows[a + i] + w1 * rows[b + i]);
        }
    }

    /** dst[off + ox] = the horizontal interpolation of input row {@code row} at output column ox. */
    private static void horizontal(UpsampleGeometry g, MemorySegment x, long row, float[] dst, int off) {
        int w = g.w();
        int ow = g.ow();
        if (ow != 2 * w) {
            horizontalScalar(g, x, row, dst, off, 0, ow);
            return;
        }
        // Output 2j blends inputs j-1, j with weights 1/4, 3/4; output 2j+1 blends j, j+1 with 3/4, 1/4
        // (for 1 <= j <= w-2; the ends are clamped and go through the scalar loop).
        FloatVector quarter = FloatVector.broadcast(S, 0.25f);
        FloatVector threeQuarters = FloatVector.broadcast(S, 0.75f);
        int j = 1;
        for (; j + L + 1 <= w; j += L) {
            FloatVector left = load(x, row + j - 1);
            FloatVector mid = load(x, row + j);
            FloatVector right = load(x, row + j + 1);
            FloatVector even = quarter.mul(left).add(threeQuarters.mul(mid));
            FloatVector odd = threeQuarters.mul(mid).add(quarter.mul(right));
            Shuffles.zipLo(even, odd).intoArray(dst, off + 2 * j);
            Shuffles.zipHi(even, odd).intoArray(dst, off + 2 * j + L);
        }
        horizontalScalar(g, x, row, dst, off, 0, Math.min(2, ow));
        horizontalScalar(g, x, row, dst, off, Math.max(2, 2 * j), ow);
    }

    private static void horizontalScalar(UpsampleGeometry g, MemorySegment x, long row, float[] dst, int off,
                                         int from, int to) {
        int w = g.w();
        int ow = g.ow();
        for (int ox = from; ox < to; ox++) {
            int x0 = ScalarPooling.lowerIndex(w, ow, ox);
            int x1 = Math.min(x0 + 1, w - 1);
            float lx1 = ScalarPooling.upperWeight(w, ow, ox);
            float lx0 = 1f - lx1;
            dst[off + ox] = lx0 * x.getAtIndex(F, row + x0) + lx1 * x.getAtIndex(F, row + x1);
        }
    }

    // ------------------------------------------------------------------ backward

    static void backwardPlane(UpsampleGeometry g, MemorySegment dy, long yBase, MemorySegment dx, long xBase) {
        int ow = g.ow();
        int w = g.w();
        dx.asSlice(xBase * Float.BYTES, (long) g.h() * w * Float.BYTES).fill((byte) 0);
        float[] acc = Scratch.floats(Scratch.POINTWISE, 2 * ow);
        int held0 = -1; // input row whose dy blend accumulates in acc[0, ow)
        int held1 = -1;
        for (int oy = 0; oy < g.oh(); oy++) {
            int y0 = ScalarPooling.lowerIndex(g.h(), g.oh(), oy);
            int y1 = Math.min(y0 + 1, g.h() - 1);
            float ly1 = ScalarPooling.upperWeight(g.h(), g.oh(), oy);
            float ly0 = 1f - ly1;
            // Rows below y0 get no more contributions: spread them onto dx and free their slot.
            if (held0 >= 0 && held0 < y0) {
                spread(g, acc, 0, dx, xBase + (long) held0 * w);
                held0 = -1;
            }
            if (held1 >= 0 && held1 < y0) {
                spread(g, acc, ow, dx, xBase + (long) held1 * w);
                held1 = -1;
            }
            for (int r = y0; r <= y1; r++) {
                if ((r & 1) == 0 ? held0 != r : held1 != r) {
                    java.util.Arrays.fill(acc, (r & 1) * ow, (r & 1) * ow + ow, 0f);
                    if ((r & 1) == 0) {
                        held0 = r;
                    } else {
                        held1 = r;
                    }
                }
            }
            long dyRow = yBase + (long) oy * ow;
            accumulate(acc, (y0 & 1) * ow, ly0, dy, dyRow, ow);
            accumulate(acc, (y1 & 1) * ow, ly1, dy, dyRow, ow);
        }
        if (held0 >= 0) {
            spread(g, acc, 0, dx, xBase + (long) held0 * w);
        }
        if (held1 >= 0) {
            spread(g, acc, ow, dx, xBase + (long) held1 * w);
        }
    }

    /** acc[off + i] += wt * dy[at + i]. */
    private static void accumulate(float[] acc, int off, float wt, MemorySegment dy, long at, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector a = FloatVector.fromArray(S, acc, off + i);
            a.add(load(dy, at + i).mul(wt)).intoArray(acc, off + i);
        }
        for (; i < n; i++) {
            acc[off + i] += wt * dy.getAtIndex(F, at + i);
        }
    }

    /** Adds the transpose of the horizontal interpolation of acc[off, off + ow) to the dx row at {@code row}. */
    private static void spread(UpsampleGeometry g, float[] acc, int off, MemorySegment dx, long row) {
        int w = g.w();
        int ow = g.ow();
        if (ow != 2 * w) {
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ScalarPooling.lowerIndex(w, ow, ox);
                int x1 = Math.min(x0 + 1, w - 1);
                float lx1 = ScalarPooling.upperWeight(w, ow, ox);
                float lx0 = 1f - lx1;
                float a = acc[off + ox];
                dx.setAtIndex(F, row + x0, dx.getAtIndex(F, row + x0) + lx0 * a);
                dx.setAtIndex(F, row + x1, dx.getAtIndex(F, row + x1) + lx1 * a);
            }
            return;
        }
        // With e[j] = acc[2j], o[j] = acc[2j+1]: dx[j] = 3/4 (e[j] + o[j]) + 1/4 (e[j+1] + o[j-1]) inside;
        // at j = 0, e[0] has weight 1 and o[-1] is absent; at j = w-1, o[w-1] has weight 1 and e[w] is absent.
        FloatVector quarter = FloatVector.broadcast(S, 0.25f);
        FloatVector threeQuarters = FloatVector.broadcast(S, 0.75f);
        int j = 1;
        for (; j + L + 1 <= w; j += L) {
            int c = off + 2 * j;
            FloatVector a0 = FloatVector.fromArray(S, acc, c);
            FloatVector a1 = FloatVector.fromArray(S, acc, c + L);
            FloatVector next0 = FloatVector.fromArray(S, acc, c + 2);
            FloatVector next1 = FloatVector.fromArray(S, acc, c + 2 + L);
            FloatVector prev0 = FloatVector.fromArray(S, acc, c - 2);
            FloatVector prev1 = FloatVector.fromArray(S, acc, c - 2 + L);
            FloatVector near = Shuffles.evens(a0, a1).add(Shuffles.odds(a0, a1));
            FloatVector far = Shuffles.evens(next0, next1).add(Shuffles.odds(prev0, prev1));
            threeQuarters.mul(near).add(quarter.mul(far)).intoMemorySegment(dx, (row + j) * Float.BYTES, O);
        }
        spread2xScalar(acc, off, w, dx, row, 0, Math.min(1, w));
        spread2xScalar(acc, off, w, dx, row, Math.max(1, j), w);
    }

    private static void spread2xScalar(float[] acc, int off, int w, MemorySegment dx, long row, int from, int to) {
        for (int j = from; j < to; j++) {
            float e = acc[off + 2 * j];
            float o = acc[off + 2 * j + 1];
            float v = (j == 0 ? e : 0.75f * e) + (j == w - 1 ? o : 0.75f * o);
            if (j + 1 < w) {
                v += 0.25f * acc[off + 2 * j + 2];
            }
            if (j > 0) {
                v += 0.25f * acc[off + 2 * j - 1];
            }
            dx.setAtIndex(F, row + j, v);
        }
    }
}
