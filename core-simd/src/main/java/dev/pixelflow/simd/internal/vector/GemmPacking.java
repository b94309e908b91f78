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

    /** Packs depth {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B). */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int p0, int kc, int j0, int nc,
                      float[] bp) {
        for (int q = 0; q * NR < nc; q++) {
            int base = q * NR * kc;
            int cols = Math.min(NR, nc - q * NR);
            int j = j0 + q * NR;
            if (transB) {
                packBTransposed(b, bOff + (long) j * ldb + p0, ldb, cols, kc, bp, base);
            } else if (cols == NR) {
                long src = (bOff + (long) p0 * ldb + j) * Float.BYTES;
                long step = (long) ldb * Float.BYTES;
                for (int p = 0; p < kc; p++, src += step) {
                    int d = base + p * NR;
                    FloatVector.fromMemorySegment(S, b, src, Simd.ORDER).intoArray(bp, d);
                    FloatVector.fromMemorySegment(S, b, src + LB, Simd.ORDER).intoArray(bp, d + L);
                }
            } else {
                long src = bOff + (long) p0 * ldb + j;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int d = base + p * NR;
                    for (int t = 0; t < cols; t++) {
                        bp[d + t] = b.getAtIndex(F, src + t);
                    }
                    Arrays.fill(bp, d + cols, d + NR, 0f);
                }
            }
        }
    }

    /**
     * One B panel from a stored transposed B, whose stored rows are the panel's columns: L x L blocks are
     * transposed in registers, columns past {@code cols} become zeros.
     */
    private static void packBTransposed(MemorySegment b, long src, int ldb, int cols, int kc, float[] bp, int base) {
        long step = (long) ldb * Float.BYTES;
        for (int g = 0; g < NR; g += L) {
            int valid = Math.min(L, Math.max(0, cols - g));
            int kv = valid == L ? kc - kc % L : 0;
            long rowAt = (src + (long) g * ldb) * Float.BYTES;
            for (int p = 0; p < kv; p += L) {
                transposeBlock(b, rowAt + (long) p * Float.BYTES, step, bp, base + p * NR + g);
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

    /** Transposes the L x L block whose first stored row starts at byte {@code at} into L rows of bp (stride NR). */
    private static void transposeBlock(MemorySegment b, long at, long step, float[] bp, int d) {
        // Written out for the two widths that exist on x86 (8: AVX2, 16: AVX-512); a loop over an array of
        // vectors would box them.
        if (L == 8) {
            FloatVector r0 = FloatVector.fromMemorySegment(S, b, at, Simd.ORDER);
            FloatVector r1 = FloatVector.fromMemorySegment(S, b, at + step, Simd.ORDER);
            FloatVector r2 = FloatVector.fromMemorySegment(S, b, at + 2 * step, Simd.ORDER);
            FloatVector r3 = FloatVector.fromMemorySegment(S, b, at + 3 * step, Simd.ORDER);
            FloatVector r4 = FloatVector.fromMemorySegment(S, b, at + 4 * step, Simd.ORDER);
            FloatVector r5 = FloatVector.fromMemorySegment(S, b, at + 5 * step, Simd.ORDER);
            FloatVector r6 = FloatVector.fromMemorySegment(S, b, at + 6 * step, Simd.ORDER);
            FloatVector r7 = FloatVector.fromMemorySegment(S, b, at + 7 * step, Simd.ORDER);
            // Three perfect shuffles of the 8 rows: new[2i] = zipLo(old[i], old[i+4]), new[2i+1] = zipHi(...).
            FloatVector s0 = zipLo(r0, r4);
            FloatVector s1 = zipHi(r0, r4);
            FloatVector s2 = zipLo(r1, r5);
            FloatVector s3 = zipHi(r1, r5);
            FloatVector s4 = zipLo(r2, r6);
            FloatVector s5 = zipHi(r2, r6);
            FloatVector s6 = zipLo(r3, r7);
            FloatVector s7 = zipHi(r3, r7);
            r0 = zipLo(s0, s4);
            r1 = zipHi(s0, s4);
            r2 = zipLo(s1, s5);
            r3 = zipHi(s1, s5);
            r4 = zipLo(s2, s6);
            r5 = zipHi(s2, s6);
            r6 = zipLo(s3, s7);
            r7 = zipHi(s3, s7);
            zipLo(r0, r4).intoArray(bp, d);
            zipHi(r0, r4).intoArray(bp, d + NR);
            zipLo(r1, r5).intoArray(bp, d + 2 * NR);
            zipHi(r1, r5).intoArray(bp, d + 3 * NR);
            zipLo(r2, r6).intoArray(bp, d + 4 * NR);
            zipHi(r2, r6).intoArray(bp, d + 5 * NR);
            zipLo(r3, r7).intoArray(bp, d + 6 * NR);
            zipHi(r3, r7).intoArray(bp, d + 7 * NR);
        } else {
            for (int t = 0; t < L; t++) {
                for (int p = 0; p < L; p++) {
                    bp[d + p * NR + t] = b.get(F, at + t * step + (long) p * Float.BYTES);
                }
            }
        }
    }
}
