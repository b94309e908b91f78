package dev.pixelflow.simd.internal.vector;

import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.L;
import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.MR;
import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.NR;
import static dev.pixelflow.simd.internal.vector.GemmMicroKernel.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the panel layout the micro-kernel reads: A as panels of MR rows
 * ({@code ap[panel*MR*kc + p*MR + r]}), B as panels of NR columns ({@code bp[panel*NR*kc + p*NR + j]}).
 * Transposition is resolved here, and rows or columns past the edge of the matrix are zero-filled so the
 * kernel always runs on whole tiles.
 *
 * <p>Where the panel order is not the stored order, the copy transposes in registers with lane
 * interleaves (perfect shuffles). Element-wise {@link MemorySegment} reads cost 0.6-1 ns each here (bounds
 * and liveness checks per access), several times a vector copy, and packing is a tenth to a quarter of
 * the run time on the shapes where each packed value is used only a few dozen times.
 */
final class GemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** MR floats: one k step of an A panel when A is stored transposed. */
    private static final VectorSpecies<Float> QUAD = FloatVector.SPECIES_128;
    private static final long LB = (long) L * Float.BYTES;
    /** Rows of a stored B copied per sweep across the panels of a block. */
    private static final int B_ROWS = 8;

    /** zipLo(a, b) = a0 b0 a1 b1 ... from the low halves; zipHi the same from the high halves. */
    private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    private static final VectorMask<Float> ODD = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);

    static {
        assert MR == 4 && QUAD.length() == MR && L % MR == 0 && Integer.bitCount(L) == 1;
    }

    private GemmPacking() {
    }

    private static FloatVector zipLo(FloatVector a, FloatVector b) {
        return a.rearrange(ZIP_LO).blend(b.rearrange(ZIP_LO), ODD);
    }

    private static FloatVector zipHi(FloatVector a, FloatVector b) {
        return a.rearrange(ZIP_HI).blend(b.rearrange(ZIP_HI), ODD);
    }

    /** Packs rows {@code [i0, i0+mc)} and depth {@code [p0, p0+kc)} of op(A). */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int i0, int mc, int p0, int kc,
                      float[] ap) {
        for (int q = 0; q * MR < mc; q++) {
            int base = q * MR * kc;
            int rows = Math.min(MR, mc - q * MR);
            int i = i0 + q * MR;
            if (transA) {
                packATransposed(a, aOff + (long) p0 * lda + i, lda, rows, kc, ap, base);
            } else {
                packARows(a, aOff + (long) i * lda + p0, lda, rows, kc, ap, base);
            }
        }
    }

    /** One A panel from stored rows (contiguous in k): interleave MR rows, L k-steps at a time. */
    private static void packARows(MemorySegment a, long src, int lda, int rows, int kc, float[] ap, int base) {
        long s0 = src * Float.BYTES;
        long step = (long) lda * Float.BYTES;
        int kv = rows == MR ? kc - kc % L : 0;
        for (int p = 0; p < kv; p += L) {
            long at = s0 + (long) p * Float.BYTES;
            FloatVector r0 = FloatVector.fromMemorySegment(S, a, at, Simd.ORDER);
            FloatVector r1 = FloatVector.fromMemorySegment(S, a, at + step, Simd.ORDER);
            FloatVector r2 = FloatVector.fromMemorySegment(S, a, at + 2 * step, Simd.ORDER);
            FloatVector r3 = FloatVector.fromMemorySegment(S, a, at + 3 * step, Simd.ORDER);
            FloatVector u0 = zipLo(r0, r2);
            FloatVector u1 = zipHi(r0, r2);
            FloatVector u2 = zipLo(r1, r3);
            FloatVector u3 = zipHi(r1, r3);
            int d = base + p * MR;
            zipLo(u0, u2).intoArray(ap, d);
            zipHi(u0, u2).intoArray(ap, d + L);
            zipLo(u1, u3).intoArray(ap, d + 2 * L);
            zipHi(u1, u3).intoArray(ap, d + 3 * L);
        }
        for (int r = 0; r < MR; r++) {
            long row = src + (long) r * lda;
            for (int p = kv; p < kc; p++) {
                ap[base + p * MR + r] = r < rows ? a.getAtIndex(F, row + p) : 0f;
            }
        }
    }

    /** One A panel from a stored transposed A: the MR values of a k-step are adjacent. */
    private static void packATransposed(MemorySegment a, long src, int lda, int rows, int kc, float[] ap, int base) {
        if (rows == MR) {
            long at = src * Float.BYTES;
            long step = (long) lda * Float.BYTES;
            for (int p = 0; p < kc; p++, at += step) {
                FloatVector.fromMemorySegment(QUAD, a, at, Simd.ORDER).intoArray(ap, base + p * MR);
            }
        } else {
            for (int p = 0; p < kc; p++, src += lda) {
                int d = base + p * MR;
                for (int r = 0; r < MR; r++) {
                    ap[d + r] = r < rows ? a.getAtIndex(F, src + r) : 0f;
                }
            }
        }
    }

    /** Floats of scratch {@link #packB} needs for a transposed B. */
    static final int TRANSPOSE_SCRATCH = 2 * L * L;

    /**
     * Packs depth {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B); a transposed B goes through
     * {@code tmp[tmpOff, tmpOff + TRANSPOSE_SCRATCH)}.
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int p0, int kc, int j0, int nc,
                      float[] bp, float[] tmp, int tmpOff) {
        int full = nc / NR;
        if (transB) {
            for (int q = 0; q * NR < nc; q++) {
                packBTransposed(b, bOff + (long) (j0 + q * NR) * ldb + p0, ldb, Math.min(NR, nc - q * NR), kc, bp,
                        q * NR * kc, tmp, tmpOff);
            }
            return;
        }
        // A few rows at a time across all panels: each stored row is then read in long runs the hardware
        // prefetcher follows (panel by panel, every read was a new page; 10-15% on 64 x 576 x 4096).
        long step = (long) ldb * Float.BYTES;
        for (int pb = 0; pb < kc; pb += B_ROWS) {
            int pe = Math.min(kc, pb + B_ROWS);
            for (int q = 0; q < full; q++) {
                long src = (bOff + (long) (p0 + pb) * ldb + j0 + q * NR) * Float.BYTES;
                int d = q * NR * kc + pb * NR;
                for (int p = pb; p < pe; p++, src += step, d += NR) {
                    FloatVector.fromMemorySegment(S, b, src, Simd.ORDER).intoArray(bp, d);
                    FloatVector.fromMemorySegment(S, b, src + LB, Simd.ORDER).intoArray(bp, d + L);
                }
            }
        }
        if (full * NR < nc) {
            int cols = nc - full * NR;
            long src = bOff + (long) p0 * ldb + j0 + full * NR;
            for (int p = 0; p < kc; p++, src += ldb) {
                int d = full * NR * kc + p * NR;
                for (int t = 0; t < cols; t++) {
                    bp[d + t] = b.getAtIndex(F, src + t);
                }
                Arrays.fill(bp, d + cols, d + NR, 0f);
            }
        }
    }

    /**
     * One B panel from a stored transposed B, whose stored rows are the panel's columns: L x L blocks are
     * transposed in registers, columns past {@code cols} become zeros.
     */
    private static void packBTransposed(MemorySegment b, long src, int ldb, int cols, int kc, float[] bp, int base,
                                        float[] tmp, int tmpOff) {
        long step = (long) ldb * Float.BYTES;
        for (int g = 0; g < NR; g += L) {
            int valid = Math.min(L, Math.max(0, cols - g));
            int kv = valid == L ? kc - kc % L : 0;
            long rowAt = (src + (long) g * ldb) * Float.BYTES;
            for (int p = 0; p < kv; p += L) {
                transposeBlock(b, rowAt + (long) p * Float.BYTES, step, bp, base + p * NR + g, tmp, tmpOff);
            }
            kvTail(b, src + (long) g * ldb, ldb, valid, kv, kc, bp, base + g);
        }
    }

    /** Scalar copy of k-steps {@code [from, to)} of L panel columns, the first {@code valid} of them stored. */
    private static void kvTail(MemorySegment b, long src, int ldb, int valid, int from, int to, float[] bp, int d) {
        for (int t = 0; t < L; t++) {
            long row = src + (long) t * ldb;
            for (int p = from; p < to; p++) {
                bp[d + p * NR + t] = t < valid ? b.getAtIndex(F, row + p) : 0f;
            }
        }
    }

    /**
     * Transposes the L x L block whose first stored row starts at byte {@code at} into L rows of bp (stride
     * NR): log2(L) rounds of perfect shuffles, new[2i] = zipLo(old[i], old[i+L/2]) and new[2i+1] = zipHi(...),
     * each round through {@code tmp}. Keeping every round a loop of small steps (rather than all L vectors
     * live in one method) stays within C2's inlining budget; over it, vectors were boxed on every block.
     */
    private static void transposeBlock(MemorySegment b, long at, long step, float[] bp, int d, float[] tmp, int t0) {
        int t1 = t0 + L * L;
        long half = step * (L / 2);
        for (int i = 0; i < L / 2; i++) {
            long row = at + i * step;
            zipPair(FloatVector.fromMemorySegment(S, b, row, Simd.ORDER),
                    FloatVector.fromMemorySegment(S, b, row + half, Simd.ORDER), tmp, t0 + 2 * i * L, L);
        }
        int in = t0;
        int out = t1;
        for (int round = 4; round < L; round *= 2) { // log2(L) - 2 middle rounds
            for (int i = 0; i < L / 2; i++) {
                zipPair(FloatVector.fromArray(S, tmp, in + i * L), FloatVector.fromArray(S, tmp, in + (i + L / 2) * L),
                        tmp, out + 2 * i * L, L);
            }
            int swap = in;
            in = out;
            out = swap;
        }
        for (int i = 0; i < L / 2; i++) {
            zipPair(FloatVector.fromArray(S, tmp, in + i * L), FloatVector.fromArray(S, tmp, in + (i + L / 2) * L),
                    bp, d + 2 * i * NR, NR);
        }
    }

    /** Stores zipLo(x, y) at {@code dst[at]} and zipHi(x, y) at {@code dst[at + stride]}. */
    private static void zipPair(FloatVector x, FloatVector y, float[] dst, int at, int stride) {
        zipLo(x, y).intoArray(dst, at);
        zipHi(x, y).intoArray(dst, at + stride);
    }
}
