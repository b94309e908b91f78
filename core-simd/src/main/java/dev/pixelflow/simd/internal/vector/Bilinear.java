package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.Scratch;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bilinear resize (align_corners=false) of one plane, done separably. Forward: each input row that an output
 * row needs is interpolated horizontally once into a scratch row (output width), and each output row is the
 * vertical blend of two scratch rows. Because an output row needs input rows y0 and y0+1 only, and y0 never
 * decreases, two scratch rows suffice, indexed by row parity. The arithmetic is the reference's, in the same
 * order, so results are bit-identical to it. Backward runs the transpose: for each input row, the dy rows
 * that read it are blended into one scratch row (vector ops), which is then spread horizontally onto the dx
 * row. Vector loops sit in small methods with one call site each and no vector arguments, so C2 inlines all
 * of their vector operations (a vector op left as a call boxes its operands).
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
        int j = horizontal2x(x, row, w, dst, off);
        horizontalScalar(g, x, row, dst, off, 0, Math.min(2, ow));
        horizontalScalar(g, x, row, dst, off, Math.max(2, 2 * j), ow);
    }

    /**
     * Exact 2x: output 2j blends inputs j-1, j with weights 1/4, 3/4 and output 2j+1 blends j, j+1 with 3/4,
     * 1/4, for 1 &lt;= j &lt;= w-2 (the clamped ends are left to the scalar loop). Returns the first j not done.
     */
    private static int horizontal2x(MemorySegment x, long row, int w, float[] dst, int off) {
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
        return j;
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

    /**
     * Input row r collects the dy rows whose lower or upper source row is r; those form one contiguous run of
     * output rows, found by walking a pointer along them. Each dy row is read at most twice.
     */
    static void backwardPlane(UpsampleGeometry g, MemorySegment dy, long yBase, MemorySegment dx, long xBase) {
        int ow = g.ow();
        int h = g.h();
        int oh = g.oh();
        float[] acc = Scratch.floats(Scratch.POINTWISE, ow);
        int first = 0; // first output row whose upper source row is >= r
        for (int r = 0; r < h; r++) {
            while (first < oh && Math.min(ScalarPooling.lowerIndex(h, oh, first) + 1, h - 1) < r) {
                first++;
            }
            Arrays.fill(acc, 0, ow, 0f);
            for (int oy = first; oy < oh; oy++) {
                int y0 = ScalarPooling.lowerIndex(h, oh, oy);
                if (y0 > r) {
                    break;
                }
                int y1 = Math.min(y0 + 1, h - 1);
                float ly1 = ScalarPooling.upperWeight(h, oh, oy);
                float wt = (y0 == r ? 1f - ly1 : 0f) + (y1 == r ? ly1 : 0f);
                accumulate(acc, wt, dy, yBase + (long) oy * ow, ow);
            }
            spread(g, acc, dx, xBase + (long) r * g.w());
        }
    }

    /** acc[i] += wt * dy[at + i]. */
    private static void accumulate(float[] acc, float wt, MemorySegment dy, long at, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector a = FloatVector.fromArray(S, acc, i);
            a.add(load(dy, at + i).mul(wt)).intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] += wt * dy.getAtIndex(F, at + i);
        }
    }

    /** Writes the transpose of the horizontal interpolation, applied to acc[0, ow), to the dx row at {@code row}. */
    private static void spread(UpsampleGeometry g, float[] acc, MemorySegment dx, long row) {
        int w = g.w();
        int ow = g.ow();
        if (ow == 2 * w) {
            int j = spread2x(acc, w, dx, row);
            spread2xScalar(acc, w, dx, row, 0, Math.min(1, w));
            spread2xScalar(acc, w, dx, row, Math.max(1, j), w);
            return;
        }
        dx.asSlice(row * Float.BYTES, (long) w * Float.BYTES).fill((byte) 0);
        for (int ox = 0; ox < ow; ox++) {
            int x0 = ScalarPooling.lowerIndex(w, ow, ox);
            int x1 = Math.min(x0 + 1, w - 1);
            float lx1 = ScalarPooling.upperWeight(w, ow, ox);
            float lx0 = 1f - lx1;
            float a = acc[ox];
            dx.setAtIndex(F, row + x0, dx.getAtIndex(F, row + x0) + lx0 * a);
            dx.setAtIndex(F, row + x1, dx.getAtIndex(F, row + x1) + lx1 * a);
        }
    }

    /**
     * Exact 2x, for 1 &lt;= j &lt;= w-2: with e[j] = acc[2j] and o[j] = acc[2j+1],
     * dx[j] = 3/4 (e[j] + o[j]) + 1/4 (e[j+1] + o[j-1]). Returns the first j not done.
     */
    private static int spread2x(float[] acc, int w, MemorySegment dx, long row) {
        FloatVector quarter = FloatVector.broadcast(S, 0.25f);
        FloatVector threeQuarters = FloatVector.broadcast(S, 0.75f);
        int j = 1;
        for (; j + L + 1 <= w; j += L) {
            int c = 2 * j;
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
        return j;
    }

    /** The 2x transpose by its definition, for the clamped ends: e[0] and o[w-1] carry weight 1. */
    private static void spread2xScalar(float[] acc, int w, MemorySegment dx, long row, int from, int to) {
        for (int j = from; j < to; j++) {
            float e = acc[2 * j];
            float o = acc[2 * j + 1];
            float v = (j == 0 ? e : 0.75f * e) + (j == w - 1 ? o : 0.75f * o);
            if (j + 1 < w) {
                v += 0.25f * acc[2 * j + 2];
            }
            if (j > 0) {
                v += 0.25f * acc[2 * j - 1];
            }
            dx.setAtIndex(F, row + j, v);
        }
    }
}
