package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.scalar.ScalarPooling;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward passes of the 2x2 stride-2 unpadded window, the down-sampling step of most encoders. Its windows
 * tile the image without overlap, so every dx element is written exactly once (no zeroing, no scatter):
 * LANES outputs map to two rows of 2*LANES inputs, split into even/odd columns on the way in and
 * interleaved back on the way out. A last odd row or column, which no window covers, gets zeros. Vector
 * work sits in small per-block or per-row methods that take no vector arguments, so C2 can inline all of it.
 */
final class Pool2x2 {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ByteOrder O = Simd.ORDER;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Pool2x2() {
    }

    static boolean applies(PoolGeometry g) {
        return g.kh() == 2 && g.kw() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0 && g.padW() == 0
                && g.dilH() == 1 && g.dilW() == 1;
    }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * Float.BYTES, O);
    }

    private static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * Float.BYTES, O);
    }

    /**
     * Routes dy to the arg-max of each window with the reference's rule: the first maximum in window order
     * (00, 01, 10, 11) wins. A block of windows holding a NaN (rare; the reference then picks the last NaN)
     * takes the scalar path.
     */
    static void maxBackwardPlane(PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx, long xBase,
                                 long yBase) {
        int w = g.w();
        int ow = g.ow();
        int oxHi = ow - ow % L;
        for (int oy = 0; oy < g.oh(); oy++) {
            long r0 = xBase + 2L * oy * w;
            long r1 = r0 + w;
            long yRow = yBase + (long) oy * ow;
            for (int ox = 0; ox < oxHi; ox += L) {
                if (!maxBackwardBlock(x, dy, dx, r0, r1, yRow, ox)) {
                    for (int k = ox; k < ox + L; k++) {
                        maxBackwardScalar(g, x, dy, dx, xBase, oy, k, r0, r1, yRow);
                    }
                }
            }
            for (int ox = oxHi; ox < ow; ox++) {
                maxBackwardScalar(g, x, dy, dx, xBase, oy, ox, r0, r1, yRow);
            }
            zeroUncovered(g, dx, r0, r1);
        }
        zeroLastRow(g, dx, xBase);
    }

    /** L windows starting at output column ox; false (nothing written) when one of them holds a NaN. */
    private static boolean maxBackwardBlock(MemorySegment x, MemorySegment dy, MemorySegment dx, long r0, long r1,
                                            long yRow, int ox) {
        long c = 2L * ox;
        FloatVector a0 = load(x, r0 + c);
        FloatVector a1 = load(x, r0 + c + L);
        FloatVector b0 = load(x, r1 + c);
        FloatVector b1 = load(x, r1 + c + L);
        FloatVector x00 = Shuffles.evens(a0, a1);
        FloatVector x01 = Shuffles.odds(a0, a1);
        FloatVector x10 = Shuffles.evens(b0, b1);
        FloatVector x11 = Shuffles.odds(b0, b1);
        FloatVector m = x00.max(x01).max(x10.max(x11));
        if (m.test(VectorOperators.IS_NAN).anyTrue()) {
            return false;
        }
        // Without NaN every window equals its max somewhere: the first equal position wins, else the last.
        VectorMask<Float> e00 = x00.eq(m);
        VectorMask<Float> e01 = x01.eq(m).andNot(e00);
        VectorMask<Float> before10 = e00.or(e01);
        VectorMask<Float> e10 = x10.eq(m).andNot(before10);
        VectorMask<Float> before11 = before10.or(e10);
        FloatVector d = load(dy, yRow + ox);
        FloatVector zero = FloatVector.zero(S);
        FloatVector g00 = zero.blend(d, e00);
        FloatVector g01 = zero.blend(d, e01);
        FloatVector g10 = zero.blend(d, e10);
        FloatVector g11 = d.blend(zero, before11);
        store(Shuffles.zipLo(g00, g01), dx, r0 + c);
        store(Shuffles.zipHi(g00, g01), dx, r0 + c + L);
        store(Shuffles.zipLo(g10, g11), dx, r1 + c);
        store(Shuffles.zipHi(g10, g11), dx, r1 + c + L);
        return true;
    }

    private static void maxBackwardScalar(PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx,
                                          long xBase, int oy, int ox, long r0, long r1, long yRow) {
        long c = 2L * ox;
        dx.setAtIndex(F, r0 + c, 0f);
        dx.setAtIndex(F, r0 + c + 1, 0f);
        dx.setAtIndex(F, r1 + c, 0f);
        dx.setAtIndex(F, r1 + c + 1, 0f);
        long at = ScalarPooling.argMax(g, x, xBase, oy, ox);
        dx.setAtIndex(F, xBase + at, dy.getAtIndex(F, yRow + ox));
    }

    static void avgBackwardPlane(PoolGeometry g, MemorySegment dy, MemorySegment dx, long xBase, long yBase) {
        int w = g.w();
        int ow = g.ow();
        int oxHi = ow - ow % L;
        for (int oy = 0; oy < g.oh(); oy++) {
            long r0 = xBase + 2L * oy * w;
            long r1 = r0 + w;
            long yRow = yBase + (long) oy * ow;
            avgBackwardRow(dy, dx, r0, r1, yRow, oxHi);
            for (int ox = oxHi; ox < ow; ox++) {
                long c = 2L * ox;
                float d = dy.getAtIndex(F, yRow + ox) / 4f;
                dx.setAtIndex(F, r0 + c, d);
                dx.setAtIndex(F, r0 + c + 1, d);
                dx.setAtIndex(F, r1 + c, d);
                dx.setAtIndex(F, r1 + c + 1, d);
            }
            zeroUncovered(g, dx, r0, r1);
        }
        zeroLastRow(g, dx, xBase);
    }

    private static void avgBackwardRow(MemorySegment dy, MemorySegment dx, long r0, long r1, long yRow, int oxHi) {
        for (int ox = 0; ox < oxHi; ox += L) {
            long c = 2L * ox;
            FloatVector d = load(dy, yRow + ox).mul(0.25f); // exactly d / 4, as in the reference
            FloatVector lo = d.rearrange(Shuffles.DUP_LO);
            FloatVector hi = d.rearrange(Shuffles.DUP_HI);
            store(lo, dx, r0 + c);
            store(hi, dx, r0 + c + L);
            store(lo, dx, r1 + c);
            store(hi, dx, r1 + c + L);
        }
    }

    private static void zeroUncovered(PoolGeometry g, MemorySegment dx, long r0, long r1) {
        if ((g.w() & 1) != 0) {
            dx.setAtIndex(F, r0 + g.w() - 1, 0f);
            dx.setAtIndex(F, r1 + g.w() - 1, 0f);
        }
    }

    private static void zeroLastRow(PoolGeometry g, MemorySegment dx, long xBase) {
        if ((g.h() & 1) != 0) {
            dx.asSlice((xBase + (long) (g.h() - 1) * g.w()) * Float.BYTES, (long) g.w() * Float.BYTES)
                    .fill((byte) 0);
        }
    }
}
