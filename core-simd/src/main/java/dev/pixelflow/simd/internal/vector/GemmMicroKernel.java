package dev.pixelflow.simd.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel: an {@link #MR} x {@link #NR} tile of C (4 rows x 2 vectors,
 * 8 accumulators) from one packed A panel and one packed B panel of depth {@code kc}.
 *
 * <p>8 accumulators + 2 B vectors + the broadcast A values fit the 16 AVX2 registers (a 6x16 tile spills on
 * this ISA). Checked in the C2 code of {@link #multiply} on Temurin 25: the loop body is 2 loads, 4
 * {@code vbroadcastss} from memory and 8 {@code vfmadd231ps} on 14 ymm registers, no stack access; in L1 it
 * runs at 80-90 GFLOP/s on one Zen 3 core. Panels are indexed linearly in k so that C2 hoists the bounds
 * checks and folds the broadcasts into memory operands.
 */
final class GemmMicroKernel {
    static final VectorSpecies<Float> S = Simd.SPECIES;
    static final int L = Simd.LANES;
    /** Rows of a tile (and of a packed A panel). */
    static final int MR = 4;
    /** Columns of a tile (and of a packed B panel). */
    static final int NR = 2 * L;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemmMicroKernel() {
    }

    /**
     * The MR x NR product of the A panel at {@code ai} and the B panel at {@code bi}, both of depth
     * {@code kc}, written row by row into {@code tile}. Writing C is left to {@link #writeFull} and
     * {@link #writeEdge}: with the write-back inlined here C2 hit its node-count inlining cutoff, passed
     * boxed vectors to an out-of-line call and ran ten times slower.
     */
    static void multiply(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bq = bi + p * NR;
            int aq = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bq);
            FloatVector b1 = FloatVector.fromArray(S, bp, bq + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[aq]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[aq + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[aq + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[aq + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** {@code C = alpha * tile + beta * C} for the whole MR x NR block at element {@code cIdx}; beta == 0 does not read C. */
    static void writeFull(float[] tile, float alpha, float beta, MemorySegment c, long cIdx, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        long lb = (long) L * Float.BYTES;
        for (int r = 0; r < MR; r++) {
            long at = (cIdx + (long) r * ldc) * Float.BYTES;
            FloatVector t0 = FloatVector.fromArray(S, tile, r * NR).mul(al);
            FloatVector t1 = FloatVector.fromArray(S, tile, r * NR + L).mul(al);
            if (beta != 0f) {
                FloatVector be = FloatVector.broadcast(S, beta);
                t0 = FloatVector.fromMemorySegment(S, c, at, Simd.ORDER).fma(be, t0);
                t1 = FloatVector.fromMemorySegment(S, c, at + lb, Simd.ORDER).fma(be, t1);
            }
            t0.intoMemorySegment(c, at, Simd.ORDER);
            t1.intoMemorySegment(c, at + lb, Simd.ORDER);
        }
    }

    /** As {@link #writeFull}, for the top-left {@code mr x nr} of the tile only (the rest is padding). */
    static void writeEdge(float[] tile, float alpha, float beta, MemorySegment c, long cIdx, int ldc, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            long row = cIdx + (long) r * ldc;
            for (int j = 0; j < nr; j++) {
                float v = alpha * tile[r * NR + j];
                if (beta != 0f) {
                    v += beta * c.getAtIndex(F, row + j);
                }
                c.setAtIndex(F, row + j, v);
            }
        }
    }
}
