package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.internal.Scratch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM without packing, for products too small to repay it and for one or two rows of C (matrix-vector
 * shapes, where a 4-row tile would be mostly padding). The rows of op(A) are copied once into scratch. With
 * {@code !transB} a strip of C columns is accumulated in registers over all of k, two rows of C sharing
 * each vector of B; with {@code transB} each stored row of B is read once and dotted with every row of A.
 */
final class GemmDirect {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = Simd.LANES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemmDirect() {
    }

    /** Computes columns {@code [j0, j1)} of C. */
    static void columns(boolean transA, boolean transB, int m, int j0, int j1, int k, float alpha,
                        MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                        float beta, MemorySegment c, long cOff, int ldc) {
        float[] arows = Scratch.floats(Scratch.GEMM_A, m * k);
        for (int i = 0; i < m; i++) {
            if (transA) {
                long src = aOff + i;
                for (int p = 0; p < k; p++, src += lda) {
                    arows[i * k + p] = a.getAtIndex(F, src);
                }
            } else {
                MemorySegment.copy(a, F, (aOff + (long) i * lda) * Float.BYTES, arows, i * k, k);
            }
        }
        if (transB) {
            dots(arows, m, k, j0, j1, alpha, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            rowsTimesB(arows, m, k, j0, j1, alpha, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * C[i][j] = alpha * sum_p A[i][p] * B[p][j] + beta * C[i][j], two rows of C at a time so that each
     * vector of B read feeds both; a strip of columns is accumulated in registers over all of k.
     */
    private static void rowsTimesB(float[] arows, int m, int k, int j0, int j1, float alpha, MemorySegment b,
                                   long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        float[] tile = Scratch.floats(Scratch.GEMM_C, 4 * L);
        int i = 0;
        for (; i + 1 < m; i += 2) {
            twoRows(arows, i * k, (i + 1) * k, k, j0, j1, alpha, b, bOff, ldb, beta, c,
                    cOff + (long) i * ldc, cOff + (long) (i + 1) * ldc, tile);
        }
        if (i < m) {
            oneRow(arows, i * k, k, j0, j1, alpha, b, bOff, ldb, beta, c, cOff + (long) i * ldc, tile);
        }
    }

    private static void twoRows(float[] arows, int a0, int a1, int k, int j0, int j1, float alpha, MemorySegment b,
                                long bOff, int ldb, float beta, MemorySegment c, long crow0, long crow1,
                                float[] tile) {
        long rowStep = (long) ldb * Float.BYTES;
        long lb = (long) L * Float.BYTES;
        int j = j0;
        for (; j + 2 * L <= j1; j += 2 * L) {
            FloatVector s00 = FloatVector.zero(S);
            FloatVector s01 = FloatVector.zero(S);
            FloatVector s10 = FloatVector.zero(S);
            FloatVector s11 = FloatVector.zero(S);
            long src = (bOff + j) * Float.BYTES;
            for (int p = 0; p < k; p++, src += rowStep) {
                FloatVector b0 = FloatVector.fromMemorySegment(S, b, src, Simd.ORDER);
                FloatVector b1 = FloatVector.fromMemorySegment(S, b, src + lb, Simd.ORDER);
                FloatVector x = FloatVector.broadcast(S, arows[a0 + p]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                FloatVector y = FloatVector.broadcast(S, arows[a1 + p]);
                s10 = y.fma(b0, s10);
                s11 = y.fma(b1, s11);
            }
            s00.intoArray(tile, 0);
            s01.intoArray(tile, L);
            s10.intoArray(tile, 2 * L);
            s11.intoArray(tile, 3 * L);
            write(tile, 0, 2 * L, alpha, beta, c, crow0 + j);
            write(tile, 2 * L, 2 * L, alpha, beta, c, crow1 + j);
        }
        for (; j < j1; j++) {
            float s0 = 0f;
            float s1 = 0f;
            long src = bOff + j;
            for (int p = 0; p < k; p++, src += ldb) {
                float bv = b.getAtIndex(F, src);
                s0 = Math.fma(arows[a0 + p], bv, s0);
                s1 = Math.fma(arows[a1 + p], bv, s1);
            }
            writeScalar(s0, alpha, beta, c, crow0 + j);
            writeScalar(s1, alpha, beta, c, crow1 + j);
        }
    }

    private static void oneRow(float[] arows, int a0, int k, int j0, int j1, float alpha, MemorySegment b, long bOff,
                               int ldb, float beta, MemorySegment c, long crow, float[] tile) {
        long rowStep = (long) ldb * Float.BYTES;
        long lb = (long) L * Float.BYTES;
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            long src = (bOff + j) * Float.BYTES;
            for (int p = 0; p < k; p++, src += rowStep) {
                FloatVector x = FloatVector.broadcast(S, arows[a0 + p]);
                s0 = x.fma(FloatVector.fromMemorySegment(S, b, src, Simd.ORDER), s0);
                s1 = x.fma(FloatVector.fromMemorySegment(S, b, src + lb, Simd.ORDER), s1);
                s2 = x.fma(FloatVector.fromMemorySegment(S, b, src + 2 * lb, Simd.ORDER), s2);
                s3 = x.fma(FloatVector.fromMemorySegment(S, b, src + 3 * lb, Simd.ORDER), s3);
            }
            s0.intoArray(tile, 0);
            s1.intoArray(tile, L);
            s2.intoArray(tile, 2 * L);
            s3.intoArray(tile, 3 * L);
            write(tile, 0, 4 * L, alpha, beta, c, crow + j);
        }
        for (; j + L <= j1; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            long src = (bOff + j) * Float.BYTES;
            for (int p = 0; p < k; p++, src += rowStep) {
                s0 = FloatVector.broadcast(S, arows[a0 + p]).fma(FloatVector.fromMemorySegment(S, b, src, Simd.ORDER), s0);
            }
            s0.intoArray(tile, 0);
            write(tile, 0, L, alpha, beta, c, crow + j);
        }
        for (; j < j1; j++) {
            float s = 0f;
            long src = bOff + j;
            for (int p = 0; p < k; p++, src += ldb) {
                s = Math.fma(arows[a0 + p], b.getAtIndex(F, src), s);
            }
            writeScalar(s, alpha, beta, c, crow + j);
        }
    }

    /** C[i][j] = alpha * dot(row i of A, stored row j of B) + beta * C[i][j]; each row of B is read once. */
    private static void dots(float[] arows, int m, int k, int j0, int j1, float alpha, MemorySegment b, long bOff,
                             int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        int kv = k - k % (2 * L);
        for (int j = j0; j < j1; j++) {
            long src = bOff + (long) j * ldb;
            for (int i = 0; i < m; i++) {
                int ai = i * k;
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                for (int p = 0; p < kv; p += 2 * L) {
                    long at = (src + p) * Float.BYTES;
                    s0 = FloatVector.fromArray(S, arows, ai + p)
                            .fma(FloatVector.fromMemorySegment(S, b, at, Simd.ORDER), s0);
                    s1 = FloatVector.fromArray(S, arows, ai + p + L)
                            .fma(FloatVector.fromMemorySegment(S, b, at + (long) L * Float.BYTES, Simd.ORDER), s1);
                }
                float s = Simd.sum(s0.add(s1));
                for (int p = kv; p < k; p++) {
                    s = Math.fma(arows[ai + p], b.getAtIndex(F, src + p), s);
                }
                writeScalar(s, alpha, beta, c, cOff + (long) i * ldc + j);
            }
        }
    }

    /**
     * C[idx, idx+len) = alpha * tile[from, from+len) + beta * C, len a multiple of L. Sums reach this method
     * through an array: passed as vectors to a call C2 did not inline, they were boxed.
     */
    private static void write(float[] tile, int from, int len, float alpha, float beta, MemorySegment c, long idx) {
        for (int t = 0; t < len; t += L) {
            long at = (idx + t) * Float.BYTES;
            FloatVector out = FloatVector.fromArray(S, tile, from + t).mul(alpha);
            if (beta != 0f) {
                out = FloatVector.fromMemorySegment(S, c, at, Simd.ORDER).fma(FloatVector.broadcast(S, beta), out);
            }
            out.intoMemorySegment(c, at, Simd.ORDER);
        }
    }

    private static void writeScalar(float s, float alpha, float beta, MemorySegment c, long idx) {
        float v = alpha * s;
        if (beta != 0f) {
            v += beta * c.getAtIndex(F, idx);
        }
        c.setAtIndex(F, idx, v);
    }
}
